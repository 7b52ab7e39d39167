import Contract
import EscalationDomain
import Foundation
import Testing
import WorkingCalendar

func instant(_ text: String) -> Date {
    guard let date = Timestamp.parse(text) else { fatalError("bad test timestamp \(text)") }
    return date
}

func issuedEvent(agency: String = "health", issuedAt: Date, acknowledgeBy: Date, dueBy: Date) -> ReferralEvent {
    ReferralEvent(
        kind: .issued, referralId: UUID(), caseId: UUID(), agency: agency, at: issuedAt,
        issuedAt: issuedAt, acknowledgeBy: acknowledgeBy, dueBy: dueBy, personInitials: "Ə. M.")
}

@Suite("LadderPlanner")
struct LadderPlannerTests {
    let calendar = WorkingCalendar()
    // Issued Tuesday 2 June 2026, due Tuesday 16 June (Monday 15 June is a holiday).
    let event = issuedEvent(
        issuedAt: instant("2026-06-02T09:00:00+04:00"),
        acknowledgeBy: instant("2026-06-04T23:59:59+04:00"),
        dueBy: instant("2026-06-16T23:59:59+04:00"))

    @Test("the contract's four steps on working-day deadlines")
    func defaultLadder() throws {
        let plan = try LadderPlanner.plan(issued: event, policy: .default, calendar: calendar)
        #expect(plan.map(\.step) == [1, 2, 3, 4])
        // 1: the acknowledgement deadline has passed.
        #expect(plan[0].moment == instant("2026-06-05T00:00:00+04:00"))
        #expect(plan[0].deadline == event.acknowledgeBy)
        #expect(plan[0].audiences == [.focalPoints])
        #expect(plan[0].cancelledBy == [.acknowledged, .inProgress, .completed, .declined])
        // 2: one working day before dueBy: Monday 15 is a holiday, so Friday 12.
        #expect(plan[1].moment == instant("2026-06-12T23:59:59+04:00"))
        #expect(plan[1].deadline == event.dueBy)
        #expect(plan[1].audiences == [.focalPoints])
        #expect(plan[1].cancelledBy == [.completed, .declined])
        // 3: dueBy has passed.
        #expect(plan[2].moment == instant("2026-06-17T00:00:00+04:00"))
        #expect(plan[2].audiences == [.workingGroupMembers])
        #expect(plan[2].cancelledBy == [.completed, .declined])
        // 4: five working days after dueBy: 17, 18, 19, 22, 23 June.
        #expect(plan[3].moment == instant("2026-06-23T23:59:59+04:00"))
        #expect(plan[3].audiences == [.chair, .secretariat])
        #expect(plan[3].isCancelled(by: .declined) && !plan[3].isCancelled(by: .acknowledged))
    }

    @Test("a ladder over the year end skips the holidays")
    func yearEnd() throws {
        let event = issuedEvent(
            issuedAt: instant("2026-12-22T10:00:00+04:00"),
            acknowledgeBy: instant("2026-12-24T23:59:59+04:00"),
            dueBy: instant("2027-01-06T23:59:59+04:00"))
        let plan = try LadderPlanner.plan(issued: event, policy: .default, calendar: calendar)
        // One working day before Wed 6 Jan: Tue 5 Jan (4 Jan is a rest day, 31 Dec-3 Jan too).
        #expect(plan[1].moment == instant("2027-01-05T23:59:59+04:00"))
        #expect(plan[3].moment == instant("2027-01-13T23:59:59+04:00"))
    }

    @Test("drills: plain-second offsets are added to the deadline instants")
    func drill() throws {
        let issuedAt = instant("2026-06-06T12:00:00+04:00")  // a Saturday, irrelevant to seconds
        let event = issuedEvent(
            issuedAt: issuedAt, acknowledgeBy: issuedAt.addingTimeInterval(30), dueBy: issuedAt.addingTimeInterval(120))
        let policy = try EscalationPolicy.load(json: Array("""
            {"agencies": {"health": [{"step": 2, "offset": {"seconds": -10}}, {"step": 4, "offset": {"seconds": 20}}]}}
            """.utf8))
        let plan = try LadderPlanner.plan(issued: event, policy: policy, calendar: calendar)
        #expect(plan.map(\.moment) == [
            issuedAt.addingTimeInterval(31), issuedAt.addingTimeInterval(110),
            issuedAt.addingTimeInterval(121), issuedAt.addingTimeInterval(140),
        ])
        // Another agency keeps the default offsets.
        var labour = event
        labour.agency = "labour"
        let labourPlan = try LadderPlanner.plan(issued: labour, policy: policy, calendar: calendar)
        #expect(labourPlan[3].moment == calendar.shift(event.dueBy!, workingDays: 5))
    }

    @Test("a moment is never before the referral was issued")
    func clamped() throws {
        let issuedAt = instant("2026-06-02T09:00:00+04:00")
        let event = issuedEvent(
            issuedAt: issuedAt, acknowledgeBy: issuedAt.addingTimeInterval(30), dueBy: issuedAt.addingTimeInterval(60))
        let plan = try LadderPlanner.plan(issued: event, policy: .default, calendar: calendar)
        #expect(plan[1].moment == issuedAt)  // one working day before dueBy would be yesterday
    }

    @Test("district authorities take the local.* overrides, then their own")
    func districtOverrides() throws {
        let policy = try EscalationPolicy.load(json: Array("""
            {"agencies": {"local.*": [{"step": 4, "audiences": ["secretariat"]}],
                          "local.ganja": [{"step": 4, "offset": {"workingDays": 3}}]}}
            """.utf8))
        var ganja = event
        ganja.agency = "local.ganja"
        let plan = try LadderPlanner.plan(issued: ganja, policy: policy, calendar: calendar)
        #expect(plan[3].audiences == [.secretariat])
        #expect(plan[3].moment == instant("2026-06-19T23:59:59+04:00"))
        var nasimi = event
        nasimi.agency = "local.nasimi"
        let nasimiPlan = try LadderPlanner.plan(issued: nasimi, policy: policy, calendar: calendar)
        #expect(nasimiPlan[3].audiences == [.secretariat])
        #expect(nasimiPlan[3].moment == instant("2026-06-23T23:59:59+04:00"))
        #expect(try LadderPlanner.plan(issued: event, policy: policy, calendar: calendar)[3].audiences == [.chair, .secretariat])
    }

    @Test("only issued events with both deadlines can be planned")
    func refusals() {
        var acknowledged = event
        acknowledged.kind = .acknowledged
        #expect(throws: LadderPlanningError.notAnIssuedEvent(kind: .acknowledged)) {
            try LadderPlanner.plan(issued: acknowledged, policy: .default, calendar: calendar)
        }
        var noDue = event
        noDue.dueBy = nil
        #expect(throws: LadderPlanningError.missingDeadline(field: "dueBy")) {
            try LadderPlanner.plan(issued: noDue, policy: .default, calendar: calendar)
        }
    }

    @Test("planned steps code with sorted event kinds and decode back")
    func coding() throws {
        let plan = try LadderPlanner.plan(issued: event, policy: .default, calendar: calendar)
        let json = try ContractCoding.encode(plan)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains(#""cancelledBy":["acknowledged","in-progress","completed","declined"]"#))
        let decoded = try ContractCoding.decode([PlannedStep].self, from: json)
        #expect(decoded.map(\.step) == plan.map(\.step))
        #expect(decoded.map(\.cancelledBy) == plan.map(\.cancelledBy))
        #expect(zip(decoded, plan).allSatisfy { abs($0.moment.timeIntervalSince($1.moment)) < 0.001 })
    }
}
