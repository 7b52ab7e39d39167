import Contract
import Foundation
import IntakeDomain
import Testing

/// The rules added to close holes in parsing: a repeated key is refused rather than one
/// copy silently winning, and length limits count Unicode scalars as well as characters.
@Suite("strict parsing")
struct StrictParsingTests {
    /// The valid record's text with `member` (`"key": value`) added inside the object that
    /// starts at `anchor`.
    static func record(adding member: String, after anchor: String) -> [UInt8] {
        let text = IntakeFixtures.validRecord.rendered()
        guard let range = text.range(of: anchor) else { fatalError("no \(anchor) in the record") }
        return Array(text.replacingCharacters(in: range, with: anchor + member + ",").utf8)
    }

    @Test("a repeated key is refused as not-json, naming it", arguments: [
        (#""person":{"#, #""firstName":"Aysel""#, "person.firstName"),
        (#"{"#, #""smsReference":"SMS-2026-000999""#, "smsReference"),
        (#""consent":{"#, #""dataSharing":false"#, "consent.dataSharing"),
        (#""family":[{"#, #""relation":"spouse""#, "family[0].relation"),
        (#""address":{"#, #""district":"nasimi""#, "person.address.district"),
        // Unknown fields are ignored, but not when they are repeated.
        (#""agreement":{"#, #""extra":1,"extra":2"#, "agreement.extra"),
    ])
    func duplicateKey(anchor: String, member: String, path: String) throws {
        let refusal = try #require(IntakeFixtures.parse(bytes: Self.record(adding: member, after: anchor)).refusal)
        #expect(refusal.reason == .notJSON)
        #expect(refusal.problems == [FieldProblem(field: path, problem: "is a duplicated key")])
        #expect(refusal.detail == "\(path): is a duplicated key")
    }

    @Test func aRepeatedKeyWithTheSameValueIsStillRefused() throws {
        let body = Array(#"{"schema":"consent.v1","smsReference":"A-1","dataSharing":true,"dataSharing":true}"#.utf8)
        let refusal = try #require(IntakeFixtures.parse(bytes: body).refusal)
        #expect(refusal.reason == .notJSON)
        #expect(refusal.detail == "dataSharing: is a duplicated key")
    }

    @Test func aKeyThatIsNotAFieldNameIsNotEchoed() throws {
        let body = Self.record(adding: #""Əli Məmmədov":1,"Əli Məmmədov":2"#, after: #""person":{"#)
        let refusal = try #require(IntakeFixtures.parse(bytes: body).refusal)
        #expect(refusal.detail == "person.<key>: is a duplicated key")
    }

    @Test("one letter with 30 000 combining marks is over every limit", arguments: [
        "smsReference", "agreement.reference", "borderPoint", "person.firstName", "person.lastName",
        "person.patronymic", "person.address.line", "family[0].firstName", "notes",
    ])
    func combiningMarks(path: String) throws {
        let marked = "a" + String(repeating: "\u{301}", count: 30_000)
        #expect(marked.count == 1)
        let outcome = IntakeFixtures.parse(IntakeFixtures.validRecord.setting(path, to: .string(marked)))
        let refusal = try #require(outcome.refusal)
        #expect(refusal.reason == .invalidField)
        #expect(refusal.problems.count == 1)
        #expect(refusal.problems.first?.field == path)
        #expect(refusal.problems.first?.problem.hasPrefix("must be at most") == true)
    }

    @Test func scalarsUpToTheLimitAreAccepted() throws {
        // 50 letters, each with one combining mark: 50 characters, 100 scalars.
        let name = String(repeating: "e\u{301}", count: 50)
        let record = IntakeFixtures.validRecord.setting("person.firstName", to: .string(name))
        #expect(IntakeFixtures.parse(record).readmission?.person.firstName == name)
        let over = IntakeFixtures.parse(record.setting("person.firstName", to: .string(name + "\u{301}")))
        #expect(over.refusal?.problems == [FieldProblem(field: "person.firstName", problem: "must be at most 100 characters")])
    }

    @Test func anOverlongSchemaInScalarsIsNotEchoed() throws {
        let schema = "x" + String(repeating: "\u{301}", count: 100)
        let refusal = try #require(IntakeFixtures.parse(["schema": .string(schema)]).refusal)
        #expect(refusal.reason == .unknownSchema)
        #expect(refusal.schema == nil)
    }
}
