import Contract
import Foundation
import ReferralDomain
import Testing
import WorkingCalendar

@Suite("DeadlineCalculator")
struct DeadlineCalculatorTests {
    @Test("defaults: acknowledge within 2 and complete within 10 working days, Baku time")
    func defaults() throws {
        let calculator = DeadlineCalculator()
        // Tuesday 2 June 2026: 3-5, 8-12, 16, 17 June are the ten working days (15 June is a holiday).
        let deadlines = try calculator.deadlines(agency: "health", issuedAt: instant("2026-06-02T09:00:00+04:00"))
        #expect(deadlines.acknowledgeBy == instant("2026-06-04T23:59:59+04:00"))
        #expect(deadlines.dueBy == instant("2026-06-17T23:59:59+04:00"))
        // District authorities use the template's deadlines.
        let local = try calculator.deadlines(agency: "local.nasimi", issuedAt: instant("2026-12-30T11:00:00+04:00"))
        #expect(local.acknowledgeBy == instant("2027-01-06T23:59:59+04:00"))
    }

    @Test("plain seconds count from the issue instant")
    func seconds() throws {
        let policy = try ReferralPolicy.load(json: Array(#"{"agencies": {"labour": {"acknowledgeWithin": {"seconds": 30}, "completeWithin": {"seconds": 90}}}}"#.utf8))
        let issuedAt = instant("2026-06-06T12:00:00+04:00")  // a Saturday: irrelevant for seconds
        let deadlines = try DeadlineCalculator(policy: policy, calendar: WorkingCalendar()).deadlines(agency: "labour", issuedAt: issuedAt)
        #expect(deadlines == ReferralDeadlines(acknowledgeBy: issuedAt.addingTimeInterval(30), dueBy: issuedAt.addingTimeInterval(90)))
    }

    @Test("dueBy is never before acknowledgeBy when units are mixed")
    func mixedUnits() throws {
        let policy = try ReferralPolicy.load(json: Array(#"{"agencies": {"labour": {"acknowledgeWithin": {"workingDays": 1}, "completeWithin": {"seconds": 10}}}}"#.utf8))
        let deadlines = try DeadlineCalculator(policy: policy).deadlines(agency: "labour", issuedAt: instant("2026-06-02T09:00:00+04:00"))
        #expect(deadlines.dueBy == deadlines.acknowledgeBy)
    }

    @Test("an unknown agency is an error")
    func unknownAgency() {
        #expect(throws: ReferralPolicyError.unknownAgency(code: "justice")) {
            try DeadlineCalculator().deadlines(agency: "justice", issuedAt: Date())
        }
    }
}
