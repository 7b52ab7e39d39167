import Contract
import Foundation
import ReferralDomain
import Testing
import WorkingCalendar

@Suite("Router")
struct RouterTests {
    let router = Router()

    @Test("the contract's example: health, labour, education for the child, the district")
    func contractExample() {
        let plan = router.plan(for: Fixtures.openedCase())
        #expect(plan == [
            PlannedReferral(agency: "health", needs: ["health"]),
            PlannedReferral(agency: "labour", needs: ["employment"]),
            PlannedReferral(agency: "education", needs: ["education"]),
            PlannedReferral(agency: "local.binagadi", needs: []),
        ])
    }

    @Test("one referral per agency listing every need routed there, deduplicated")
    func grouping() {
        let openedCase = Fixtures.openedCase(
            needs: ["psychosocial", "documents", "health", "psychosocial", "housing", "social-assistance", "employment"],
            family: []
        )
        #expect(router.plan(for: openedCase) == [
            PlannedReferral(agency: "health", needs: ["psychosocial", "health"]),
            PlannedReferral(agency: "local.binagadi", needs: ["documents", "housing"]),
            PlannedReferral(agency: "labour", needs: ["social-assistance", "employment"]),
        ])
    }

    @Test("every case gets its district authority, even with no needs")
    func districtAlways() {
        var person = Fixtures.person
        person.district = "sumgait"
        #expect(router.plan(for: Fixtures.openedCase(needs: [], family: [], person: person))
            == [PlannedReferral(agency: "local.sumgait", needs: [])])
        // Unknown needs are not routed anywhere.
        #expect(router.plan(for: Fixtures.openedCase(needs: ["astrology"], family: [], person: person))
            == [PlannedReferral(agency: "local.sumgait", needs: [])])
    }

    @Test("a requested education need and an eligible child give one education referral")
    func educationOnce() {
        let plan = router.plan(for: Fixtures.openedCase(needs: ["education"]))
        #expect(plan == [
            PlannedReferral(agency: "education", needs: ["education"]),
            PlannedReferral(agency: "local.binagadi", needs: []),
        ])
    }

    @Test("only children aged 6-17 on the readmission date count", arguments: [
        ("2020-05-29", true),   // 6 that very day
        ("2020-05-30", false),  // 6 the next day
        ("2008-05-30", true),   // 17, turning 18 the next day
        ("2008-05-29", false),  // 18 that day
        ("2027-01-01", false),  // not yet born
    ])
    func childAges(birthDate: String, eligible: Bool) {
        let child = FamilyMember(relation: "child", firstName: "Nər", lastName: nil, birthDate: date(birthDate))
        let plan = router.plan(for: Fixtures.openedCase(needs: [], family: [child]))
        #expect(plan.contains { $0.agency == "education" } == eligible)
    }

    @Test("family members other than children do not count")
    func otherRelations() {
        let family = ["spouse", "parent", "other"].map {
            FamilyMember(relation: $0, firstName: "Leyla", lastName: nil, birthDate: date("2015-01-01"))
        }
        #expect(!router.plan(for: Fixtures.openedCase(needs: [], family: family)).contains { $0.agency == "education" })
    }

    @Test("the readmission date is the Baku local date")
    func bakuDate() {
        // 2026-05-28T21:00:00Z is 2026-05-29T01:00 in Baku, the child's sixth birthday.
        let child = FamilyMember(relation: "child", firstName: "Nər", lastName: nil, birthDate: date("2020-05-29"))
        let late = Fixtures.openedCase(needs: [], family: [child], readmittedAt: "2026-05-28T21:00:00Z")
        #expect(router.plan(for: late).contains { $0.agency == "education" })
        let early = Fixtures.openedCase(needs: [], family: [child], readmittedAt: "2026-05-28T19:00:00Z")
        #expect(!router.plan(for: early).contains { $0.agency == "education" })
    }

    @Test("routing follows the policy")
    func configuredRouting() throws {
        let policy = try ReferralPolicy.load(json: Array(#"{"routing": {"documents": "labour"}, "childAgeRange": {"minimum": 12, "maximum": 17}}"#.utf8))
        let plan = Router(policy: policy).plan(for: Fixtures.openedCase(needs: ["documents", "employment"]))
        #expect(plan == [
            PlannedReferral(agency: "labour", needs: ["documents", "employment"]),
            PlannedReferral(agency: "local.binagadi", needs: []),
        ])
    }
}
