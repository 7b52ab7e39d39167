import Contract
import IntakeDomain
import Testing

/// Needs are deduplicated, put in the contract's order, and `documents` follows a missing FIN.
@Suite("needs")
struct NeedsTests {
    static func needs(_ fixture: JSONFixture) -> [String]? {
        IntakeFixtures.parse(fixture).readmission?.needs
    }

    @Test func documentsIsAddedWhenThePersonalIdIsAbsent() {
        #expect(Self.needs(IntakeFixtures.validRecord.setting("person.personalId", to: nil))
            == ["health", "employment", "documents"])
        #expect(Self.needs(IntakeFixtures.validRecord.setting("person.personalId", to: .null))
            == ["health", "employment", "documents"])
        #expect(Self.needs(IntakeFixtures.validRecord.setting("person.personalId", to: nil).setting("needs", to: nil))
            == ["documents"])
    }

    @Test func documentsIsNotAddedWhenThePersonalIdIsPresent() {
        #expect(Self.needs(IntakeFixtures.validRecord) == ["health", "employment"])
        #expect(Self.needs(IntakeFixtures.validRecord.setting("needs", to: nil)) == [])
    }

    @Test func documentsIsNotRepeated() {
        let record = IntakeFixtures.validRecord
            .setting("person.personalId", to: nil)
            .setting("needs", to: ["documents", "health", "documents"])
        #expect(Self.needs(record) == ["health", "documents"])
    }

    @Test func needsAreDeduplicatedInTheContractsOrder() {
        let record = IntakeFixtures.validRecord.setting("needs", to: [
            "documents", "housing", "education", "social-assistance", "employment", "psychosocial", "health",
            "health", "housing",
        ])
        #expect(Self.needs(record)
            == ["health", "psychosocial", "employment", "social-assistance", "education", "housing", "documents"])
    }
}
