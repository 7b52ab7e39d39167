import Contract
import Foundation
import IntakeDomain
import Testing

/// The rules added to close holes in parsing: a repeated key is refused rather than one
/// copy silently winning.
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
}
