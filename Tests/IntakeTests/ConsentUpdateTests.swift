import Contract
import Foundation
import IntakeDomain
import Testing

@Suite("consent.v1")
struct ConsentUpdateTests {
    @Test func theContractsExampleIsAccepted() throws {
        let update = try #require(IntakeFixtures.parse(IntakeFixtures.validConsent).consent)
        #expect(update == ConsentUpdate(
            smsReference: "SMS-2026-000123", dataSharing: true, recordedAt: Timestamp.parse("2026-05-30T05:00:00Z")))
    }

    @Test func withdrawalWithoutTimestampIsAccepted() throws {
        let message = IntakeFixtures.validConsent.setting("recordedAt", to: nil).setting("dataSharing", to: false)
        #expect(IntakeFixtures.parse(message).consent
            == ConsentUpdate(smsReference: "SMS-2026-000123", dataSharing: false, recordedAt: nil))
    }

    @Test(arguments: [
        FieldCase("smsReference", "X/1.a_b-C"),
        FieldCase("smsReference", nil, "is required"),
        FieldCase("smsReference", "with space", "must contain only A-Z, a-z, 0-9, '.', '_', '/' and '-'"),
        FieldCase("smsReference", .string(String(repeating: "A", count: 65)), "must be at most 64 characters"),
        FieldCase("dataSharing", nil, "is required"),
        FieldCase("dataSharing", .null, "is required"),
        FieldCase("dataSharing", "true", "must be a boolean (true or false)"),
        FieldCase("dataSharing", 1, "must be a boolean (true or false)"),
        FieldCase("recordedAt", .null),
        FieldCase("recordedAt", "2026-05-30",
                  "must be an RFC 3339 date and time with offset (e.g. 2026-05-29T10:15:00+04:00)"),
        FieldCase("recordedAt", false, "must be a string"),
        FieldCase("person", "ignored"),
    ])
    func fieldRules(_ row: FieldCase) { row.check(base: IntakeFixtures.validConsent) }

    @Test func allProblemsAndTheSchemaAreReported() throws {
        let message: JSONFixture = ["schema": "consent.v1", "smsReference": 5, "dataSharing": "no", "recordedAt": "soon"]
        let refusal = try #require(IntakeFixtures.parse(message).refusal)
        #expect(refusal.reason == .invalidField)
        #expect(refusal.schema == "consent.v1")
        #expect(refusal.smsReference == nil)
        #expect(refusal.problems.map(\.field) == ["smsReference", "dataSharing", "recordedAt"])
    }
}
