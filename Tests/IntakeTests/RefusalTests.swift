import Contract
import Foundation
import IntakeDomain
import Testing

/// Schemas, collecting every problem, and what a refusal says (and does not say).
@Suite("refusals")
struct RefusalTests {
    @Test func everyProblemIsReportedAtOnceInFieldOrder() throws {
        var record = IntakeFixtures.validRecord
        record = record.setting("notes", to: 12)
        record = record.setting("person.address.district", to: "atlantis")
        record = record.setting("person.birthDate", to: "2030-01-01")
        record = record.setting("person.firstName", to: "Ali2")
        record = record.setting("smsReference", to: "bad reference!")
        record = record.setting("agreement.country", to: "AZ")
        record = record.setting("family[0].relation", to: "cousin")
        record = record.setting("needs", to: ["health", "sports"])
        record = record.setting("consent.dataSharing", to: "yes")
        record = record.setting("readmittedAt", to: "2027-01-01T00:00:00Z")
        let refusal = try #require(IntakeFixtures.parse(record).refusal)
        #expect(refusal.reason == .invalidField)
        #expect(refusal.schema == "readmission.v1")
        #expect(refusal.smsReference == nil)
        #expect(refusal.problems.map(\.field) == [
            "smsReference", "readmittedAt", "agreement.country", "person.firstName", "person.birthDate",
            "person.address.district", "family[0].relation", "needs[1]", "notes", "consent.dataSharing",
        ])
        #expect(refusal.detail.hasPrefix(
            "smsReference: must contain only A-Z, a-z, 0-9, '.', '_', '/' and '-'; readmittedAt: is more than 1 day in the future; "))
        #expect(refusal.detail.contains("person.birthDate: is in the future; person.address.district: is not a known district code"))
    }

    @Test func detailNeverQuotesTheOffendingValues() throws {
        let secrets = ["Secret2Name", "atlantis-district", "+99x-private", "bad ref!"]
        var record = IntakeFixtures.validRecord
        record = record.setting("person.firstName", to: .string(secrets[0]))
        record = record.setting("person.address.district", to: .string(secrets[1]))
        record = record.setting("person.phone", to: .string(secrets[2]))
        record = record.setting("smsReference", to: .string(secrets[3]))
        let refusal = try #require(IntakeFixtures.parse(record).refusal)
        for secret in secrets {
            #expect(!refusal.detail.contains(secret))
            #expect(!refusal.description.contains(secret))
            #expect(!refusal.problems.contains { $0.problem.contains(secret) || $0.field.contains(secret) })
        }
    }

    @Test func aUsableSMSReferenceIsKeptForTheReply() throws {
        let record = IntakeFixtures.validRecord.setting("person.birthDate", to: "2030-01-01")
        let refusal = try #require(IntakeFixtures.parse(record).refusal)
        #expect(refusal.smsReference == "SMS-2026-000123")
        #expect(refusal.debugDescription.contains("SMS-2026-000123"))
        #expect(refusal.description == "message refused (invalid-field): person.birthDate: is in the future")
    }

    @Test(arguments: [
        (JSONFixture?.none, "is required"),
        (JSONFixture.null, "is required"),
        (JSONFixture.string("readmission.v2"), "must be readmission.v1 or consent.v1"),
        (JSONFixture.string("Readmission.v1"), "must be readmission.v1 or consent.v1"),
        (JSONFixture.string(" readmission.v1"), "must be readmission.v1 or consent.v1"),
        (JSONFixture.string(""), "must be readmission.v1 or consent.v1"),
        (JSONFixture.number(1), "must be a string"),
        (JSONFixture.array(["readmission.v1"]), "must be a string"),
    ])
    func unknownSchema(schema: JSONFixture?, problem: String) throws {
        let record = IntakeFixtures.validRecord.setting("schema", to: schema)
        let refusal = try #require(IntakeFixtures.parse(record).refusal)
        #expect(refusal.reason == .unknownSchema)
        #expect(refusal.problems == [FieldProblem(field: "schema", problem: problem)])
        #expect(refusal.smsReference == "SMS-2026-000123")
        if case .string(let text)? = schema {
            #expect(refusal.schema == text)
        } else {
            #expect(refusal.schema == nil)
        }
    }

    @Test func anOverlongSchemaIsNotEchoed() throws {
        let record = IntakeFixtures.validRecord.setting("schema", to: .string(String(repeating: "x", count: 500)))
        let refusal = try #require(IntakeFixtures.parse(record).refusal)
        #expect(refusal.reason == .unknownSchema)
        #expect(refusal.schema == nil)
    }

    @Test func problemsAndDetailAreBounded() throws {
        let manyBadNeeds = JSONFixture.array(Array(repeating: .number(1), count: 5000))
        let record = IntakeFixtures.validRecord
            .setting("needs", to: manyBadNeeds)
            .setting("smsReference", to: "bad reference!")
        let refusal = try #require(IntakeFixtures.parse(record).refusal)
        #expect(refusal.problems.count == IntakeParser.maximumListedProblems + 1)
        #expect(refusal.problems.first?.field == "smsReference")
        #expect(refusal.problems.last == FieldProblem(field: "body", problem: "has 4901 more problems not listed"))
        #expect(refusal.detail.utf8.count <= IntakeRefusal.maximumDetailLength)
        #expect(refusal.detail.hasPrefix("smsReference: "))
        #expect(refusal.detail.hasSuffix("more problems"))
    }

    @Test func detailOfSeveralProblems() {
        let refusal = IntakeRefusal(reason: .invalidField, problems: [
            FieldProblem(field: "person.birthDate", problem: "is in the future"),
            FieldProblem(field: "person.address.district", problem: "is not a known district code"),
        ])
        #expect(refusal.detail
            == "person.birthDate: is in the future; person.address.district: is not a known district code")
    }

    @Test func problemsEncodeAsTheReplysErrors() throws {
        let encoded = try ContractCoding.encode([FieldProblem(field: "person.birthDate", problem: "is in the future")])
        #expect(String(decoding: encoded, as: UTF8.self) == #"[{"field":"person.birthDate","problem":"is in the future"}]"#)
    }
}
