import Foundation
import Testing

/// The operators' tool writes no SQL against a service's schema: each service owns the
/// queries the tool needs (its `…Operations` target, beside its migrations), so a change
/// to a service's tables is made, and reviewed, in one place.
@Suite("The operators' tool names no service's tables")
struct ToolOwnershipTests {
    static let repository = DocumentationTests.repository
    static let schemas = ["intake", "referral", "escalation", "notification"]

    /// Every table and view each service's migrations create (the shared outbox and inbox
    /// included), by schema.
    static func relations() throws -> [String: Set<String>] {
        let shared = try String(contentsOf: repository.appendingPathComponent("Shared/Messaging/MessagingMigration.swift"), encoding: .utf8)
        let common = Set(try created(in: shared))
        var relations: [String: Set<String>] = [:]
        for schema in schemas {
            let folder = repository.appendingPathComponent("Services/\(schema.prefix(1).uppercased() + schema.dropFirst())/Service")
            let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix("Migrations.swift") }
            var names = common
            for file in files {
                names.formUnion(try created(in: String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)))
            }
            relations[schema] = names
        }
        return relations
    }

    static func created(in text: String) throws -> [String] {
        try DocumentationTests.matches(of: #"CREATE\s+(?:UNLOGGED\s+)?(?:TABLE|VIEW)\s+(?:IF\s+NOT\s+EXISTS\s+)?([a-z_0-9]+)"#, in: text)
    }

    /// `schema.name` where the name is one of the schema's relations, or where SQL keywords
    /// show it is one (`FROM`, `JOIN`, `INTO`, `UPDATE`, `TABLE`, `ANALYZE`, `to_regclass('…`).
    static func hits(in text: String, relations: [String: Set<String>]) throws -> [String] {
        let schemas = Self.schemas.joined(separator: "|")
        let qualified = try NSRegularExpression(pattern: #"\b("# + schemas + #")\.([a-z_0-9]+)\b"#)
        let keyword = try NSRegularExpression(
            pattern: #"(?:\b(?:FROM|JOIN|INTO|UPDATE|TABLE|ANALYZE)\s+(?:ONLY\s+)?|to_regclass\(\s*')(?:"# + schemas + #")\.[a-z_0-9]+"#)
        var found: [String] = []
        for (number, line) in text.components(separatedBy: "\n").enumerated() {
            let range = NSRange(line.startIndex..., in: line)
            let named = qualified.matches(in: line, range: range).filter { match in
                guard let schema = Range(match.range(at: 1), in: line), let name = Range(match.range(at: 2), in: line) else { return false }
                return relations[String(line[schema])]?.contains(String(line[name])) == true
            }
            if !named.isEmpty || keyword.firstMatch(in: line, range: range) != nil {
                found.append("\(number + 1): \(line.trimmingCharacters(in: .whitespaces))")
            }
        }
        return found
    }

    @Test("the migrations' tables are found, and SQL naming them is recognised")
    func scannerRecognisesSQL() throws {
        let relations = try Self.relations()
        for schema in Self.schemas { #expect(relations[schema]?.contains("outbox") == true, "\(schema)") }
        #expect(relations["intake"]?.contains("cases") == true)
        #expect(relations["referral"]?.contains("referral_records_v1") == true)
        #expect(try Self.hits(in: #"try connection.query("SELECT id FROM intake.cases")"#, relations: relations).count == 1)
        #expect(try Self.hits(in: "DELETE FROM escalation.some_future_table", relations: relations).count == 1)
        #expect(try Self.hits(in: "SELECT to_regclass('notification.delivery_attempts')", relations: relations).count == 1)
        // Queue names and Swift properties are not SQL.
        #expect(try Self.hits(in: "whether intake refused the record (intake.rejected); referral.referralId", relations: relations).isEmpty)
    }

    @Test("no file under Services/Reintegrationctl names a service's table or view")
    func noServiceSQLInTheTool() throws {
        let relations = try Self.relations()
        let root = Self.repository.appendingPathComponent("Services/Reintegrationctl")
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        var hits: [String] = []
        var scanned = 0
        while let file = files?.nextObject() as? URL {
            guard file.pathExtension == "swift" else { continue }
            scanned += 1
            let path = String(file.path.dropFirst(Self.repository.path.count + 1))
            hits += try Self.hits(in: String(contentsOf: file, encoding: .utf8), relations: relations).map { "\(path):\($0)" }
        }
        #expect(scanned > 50)
        #expect(hits.isEmpty, "SQL against a service's schema belongs in its Operations target:\n\(hits.joined(separator: "\n"))")
    }
}
