import Contract
import Foundation
import Postgres

/// The intake schema's cases and refusals as the operators' tool reads them. The queries
/// live beside intake's migrations so the tool names none of intake's tables; each runs
/// on the caller's connection, inside its transaction (a lookup's snapshot).
public struct IntakeCaseRegister: Sendable {
    public let schema: String

    public init(schema: String = "intake") {
        self.schema = schema
    }

    private var prefix: String { PostgresIdentifier.quoted(schema) }

    // MARK: - Lookups

    /// The case with this id, as a list of zero or one.
    public func caseIds(caseId: UUID, on connection: PostgresConnection) throws -> [UUID] {
        try connection.query("SELECT id FROM \(prefix).cases WHERE id = $1", [.uuid(caseId)]).map { try $0["id"].decode() }
    }

    /// The case of this SMS record, as a list of zero or one.
    public func caseIds(smsReference: String, on connection: PostgresConnection) throws -> [UUID] {
        try connection.query("SELECT id FROM \(prefix).cases WHERE sms_reference = $1", [.text(smsReference)]).map { try $0["id"].decode() }
    }

    /// Every case of the person with this FIN (one per readmission), oldest first.
    public func caseIds(personalId: String, on connection: PostgresConnection) throws -> [UUID] {
        try connection.query("""
            SELECT c.id FROM \(prefix).cases c JOIN \(prefix).people p ON p.id = c.person_id
            WHERE p.personal_id = $1 ORDER BY c.opened_at, c.id
            """, [.text(personalId)]).map { try $0["id"].decode() }
    }

    /// The case, or nil. Initials are cut in SQL from the record as received, so no other
    /// personal field reaches the caller.
    public func caseRecord(_ caseId: UUID, on connection: PostgresConnection) throws -> IntakeCase? {
        let person = "convert_from(c.raw_record, 'UTF8')::jsonb->'person'"
        guard let row = try connection.query("""
            SELECT c.id, c.sms_reference, c.readmitted_at, c.opened_at, c.district, c.consent_status,
                   \(PersonDetails.initialsSQL(ofPersonJSON: person)) AS initials
            FROM \(prefix).cases c WHERE c.id = $1
            """, [.uuid(caseId)]).first else { return nil }
        let initials: String? = try row["initials"].decodeIfPresent()
        return IntakeCase(
            caseId: try row["id"].decode(), smsReference: try row["sms_reference"].decode(),
            personInitials: initials?.isEmpty == false ? initials : nil, district: try row["district"].decode(),
            readmittedAt: try row["readmitted_at"].decode(), openedAt: try row["opened_at"].decode(),
            consentStatus: try row["consent_status"].decode())
    }

    // MARK: - Batches of synthetic records (drill, bench)

    /// The cases opened for records whose SMS reference starts with `referencePrefix`.
    public func cases(referencePrefix: String, on connection: PostgresConnection) throws -> [IntakeCaseReference] {
        try connection.query(
            "SELECT id, sms_reference, opened_at FROM \(prefix).cases WHERE sms_reference LIKE $1", [Self.pattern(referencePrefix)]
        ).map { row in
            IntakeCaseReference(caseId: try row["id"].decode(), smsReference: try row["sms_reference"].decode(), openedAt: try row["opened_at"].decode())
        }
    }

    /// How many cases records whose SMS reference starts with `referencePrefix` opened.
    public func caseCount(referencePrefix: String, on connection: PostgresConnection) throws -> Int {
        try connection.query("SELECT count(*) FROM \(prefix).cases WHERE sms_reference LIKE $1", [Self.pattern(referencePrefix)])[0][0].decode(Int.self)
    }

    /// The SMS references starting with `referencePrefix` that intake refused at least once.
    public func refusedReferences(referencePrefix: String, on connection: PostgresConnection) throws -> Set<String> {
        Set(try connection.query(
            "SELECT DISTINCT sms_reference FROM \(prefix).refusals WHERE sms_reference LIKE $1", [Self.pattern(referencePrefix)]
        ).map { try $0["sms_reference"].decode(String.self) })
    }

    /// A LIKE pattern matching exactly the references that start with `prefix`.
    private static func pattern(_ prefix: String) -> PostgresValue {
        var escaped = ""
        for character in prefix {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return .text(escaped + "%")
    }
}
