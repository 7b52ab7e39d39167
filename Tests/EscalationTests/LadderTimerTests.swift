import Contract
@testable import Escalation
import EscalationDomain
import Foundation
import Messaging
import Testing

/// The ladder planned from referral events and fired by the timer, on the real database
/// with a drill policy in plain seconds (acknowledge in 2 s, due in 4 s).
@Suite("Ladder timer on the real database")
struct LadderTimerTests {
    /// Issued now: steps at +2 s (ack), +3 s (due - 1), +4 s (due), +5 s (due + 1).
    func drillReferral(issuedAt: Date = Date(), acknowledgeIn: Double = 2, dueIn: Double = 4) -> ReferralEvent {
        issuedEvent(
            issuedAt: issuedAt, acknowledgeBy: issuedAt.addingTimeInterval(acknowledgeIn),
            dueBy: issuedAt.addingTimeInterval(dueIn))
    }

    @Test("each step fires once, at its moment, to the step's audience")
    func firesOnTime() async throws {
        try await EscalationDatabase.with { database in
            let issued = drillReferral()
            try await database.withTimers {
                #expect(try await database.send(issued) == [.applied])
                #expect(try await database.waitForEscalationEvents(4, within: 20) == 4)
                // Another round or two must not fire anything again.
                try await Task.sleep(for: .milliseconds(1500))
            }

            let events = try await database.escalationEvents()
            #expect(events.map(\.step) == [1, 2, 3, 4])
            for event in events {
                #expect(event.firedMinusPlanned >= 0, "step \(event.step) fired before its moment")
                // The design fires within a second; how soon is measured by `bench escalation`.
                // Here only "near its moment, not on a later sweep" is checked, with room for a
                // loaded machine, and the service's own late flag must agree with what it measured.
                #expect(event.firedMinusPlanned < 10, "step \(event.step) fired \(event.firedMinusPlanned) s after its moment")
                #expect(event.late == (event.firedMinusPlanned > 1))
            }
            #expect(events.map(\.audiences) == ["focal-points", "focal-points", "working-group-members", "chair,secretariat"])

            let alerts = try await database.alerts()
            #expect(alerts.count == 4)
            let referral = issued.referralId.uuidString.lowercased()
            #expect(alerts.map(\.messageId) == (1...4).map { "escalation:\(referral):\($0)" })
            for alert in alerts {
                #expect(alert.exchange == ExchangeName.clusterEvents)
                #expect(alert.routingKey == EventRoutingKey.notification(.escalation))
                #expect(alert.messageType == MessageType.notificationRequest)
                #expect(alert.request.kind == .escalation)
                #expect(alert.request.deliveryKey == alert.messageId)
                #expect(alert.request.referralId == issued.referralId)
                #expect(alert.request.caseId == issued.caseId)
                #expect(alert.request.agency == issued.agency)
                #expect(alert.request.personInitials == issued.personInitials)
            }
            #expect(alerts.map(\.request.step) == [1, 2, 3, 4])
            #expect(alerts.map(\.request.audiences) == [[.focalPoints], [.focalPoints], [.workingGroupMembers], [.chair, .secretariat]])
            // Deadlines travel at millisecond precision.
            let deadlines = [issued.acknowledgeBy, issued.dueBy, issued.dueBy, issued.dueBy].compactMap { $0 }
            #expect(alerts.count == deadlines.count)
            for (alert, deadline) in zip(alerts, deadlines) {
                #expect(abs((alert.request.deadline ?? .distantPast).timeIntervalSince(deadline)) < 0.001)
            }
            // Each alert says how many whole seconds past its deadline it fired: step 4 fires a
            // second after dueBy, the others on time; a loaded machine may add a second to any.
            #expect(events.count == alerts.count)
            for (event, (alert, deadline)) in zip(events, zip(alerts, deadlines)) {
                let measured = max(0, Int(event.firedAt.timeIntervalSince(deadline).rounded(.down)))
                #expect(alert.request.lateBySeconds == measured, "step \(event.step)")
            }
            #expect((alerts.last?.request.lateBySeconds ?? 0) >= 1)
            #expect(try await database.steps(of: issued.referralId).map(\.state) == ["fired", "fired", "fired", "fired"])
        }
    }

    @Test("an acknowledgement cancels step 1; completion cancels the steps not yet fired")
    func answersCancelSteps() async throws {
        // Step 2 at +4 s, step 3 at +8 s: the completion sent after step 2 has seconds to land.
        try await EscalationDatabase.with(policy: EscalationDatabase.spacedDrillPolicy) { database in
            let issued = drillReferral(dueIn: 8)
            try await database.withTimers {
                try await database.send(issued)
                try await database.send(answer(.acknowledged, to: issued))
                #expect(try await database.steps(of: issued.referralId) == [
                    .init(step: 1, state: "cancelled", cancelReason: "acknowledged"),
                    .init(step: 2, state: "pending"), .init(step: 3, state: "pending"), .init(step: 4, state: "pending"),
                ])
                // Step 2 (due - 4 s) fires; then the agency completes the referral.
                #expect(try await database.waitForEscalationEvents(1, within: 20) == 1)
                try await database.send(answer(.completed, to: issued))
                #expect(try await database.steps(of: issued.referralId) == [
                    .init(step: 1, state: "cancelled", cancelReason: "acknowledged"),
                    .init(step: 2, state: "fired"),
                    .init(step: 3, state: "cancelled", cancelReason: "completed"),
                    .init(step: 4, state: "cancelled", cancelReason: "completed"),
                ])
                // Past step 4's moment: nothing else fired.
                try await Task.sleep(for: .seconds(max(0, issued.dueBy!.timeIntervalSinceNow + 1.8)))
            }
            #expect(try await database.escalationEvents().map(\.step) == [2])
            #expect(try await database.alerts().map(\.request.step) == [2])
            #expect(try await database.referralStatus(issued.referralId) == "completed")
        }
    }

    @Test("answers that arrive before the issued event are applied when the ladder is planned")
    func answersBeforeIssued() async throws {
        try await EscalationDatabase.with { database in
            let acknowledgedFirst = drillReferral(acknowledgeIn: 3600, dueIn: 7200)
            try await database.send(answer(.acknowledged, to: acknowledgedFirst))
            #expect(try await database.steps(of: acknowledgedFirst.referralId).isEmpty)
            #expect(try await database.send(acknowledgedFirst) == [.applied])
            #expect(try await database.steps(of: acknowledgedFirst.referralId).map(\.state) == ["cancelled", "pending", "pending", "pending"])
            // The late issued event does not move the status back.
            #expect(try await database.referralStatus(acknowledgedFirst.referralId) == "acknowledged")

            let declinedFirst = drillReferral(acknowledgeIn: 3600, dueIn: 7200)
            try await database.send(answer(.declined, to: declinedFirst))
            try await database.send(declinedFirst)
            #expect(try await database.steps(of: declinedFirst.referralId).map(\.cancelReason) == Array(repeating: "declined", count: 4))

            // A redelivered issued event changes nothing.
            #expect(try await database.send(declinedFirst) == [.duplicate])
            #expect(try await database.steps(of: declinedFirst.referralId).map(\.state) == Array(repeating: "cancelled", count: 4))
        }
    }

    @Test("steps whose moment passed while no timer ran fire once, in order, recorded as late")
    func missedStepsFireLate() async throws {
        try await EscalationDatabase.with { database in
            // Issued 20 s ago: moments 10, 6, 5 and 4 s ago.
            let issued = drillReferral(issuedAt: Date().addingTimeInterval(-20), acknowledgeIn: 10, dueIn: 15)
            try await database.send(issued)
            #expect(try await database.steps(of: issued.referralId).map(\.state) == ["pending", "pending", "pending", "pending"])

            try await database.withTimers {
                let fired = try await database.waitForEscalationEvents(4, within: 10)
                #expect(fired == 4)
            }
            // A timer started later finds nothing left to fire.
            try await database.withTimers {
                try await Task.sleep(for: .milliseconds(1200))
            }

            let events = try await database.escalationEvents()
            #expect(events.map(\.step) == [1, 2, 3, 4])
            #expect(events.map(\.plannedMoment) == events.map(\.plannedMoment).sorted())
            for event in events {
                #expect(event.late)
                #expect(abs(event.delaySeconds - event.firedMinusPlanned) < 0.001)
                #expect(event.delaySeconds > 3.5)
            }
            let alerts = try await database.alerts()
            #expect(alerts.map(\.request.step) == [1, 2, 3, 4])
            let lateBy = alerts.compactMap(\.request.lateBySeconds)
            #expect(lateBy.count == 4)
            // At least 10 s past acknowledgeBy and 5 s past dueBy, as measured when each fired.
            #expect((lateBy.first ?? 0) >= 9)
            for seconds in lateBy.dropFirst() { #expect(seconds >= 4) }
            let deadlines = [issued.acknowledgeBy, issued.dueBy, issued.dueBy, issued.dueBy].compactMap { $0 }
            for (event, (seconds, deadline)) in zip(events, zip(lateBy, deadlines)) {
                #expect(seconds == Int(event.firedAt.timeIntervalSince(deadline).rounded(.down)), "step \(event.step)")
            }
        }
    }

    @Test("two timers running together fire every step of 200 referrals exactly once")
    func concurrentTimers() async throws {
        try await EscalationDatabase.with { database in
            let start = Date()
            // Moments spread over about 1.5 s to 5 s from now.
            let referrals = (0..<200).map { index in
                drillReferral(issuedAt: start, acknowledgeIn: 1.5 + Double(index) * 0.005, dueIn: 3 + Double(index) * 0.005)
            }
            try await database.withTimers(2) {
                #expect(try await database.send(referrals).allSatisfy { $0 == .applied })
                #expect(try await database.waitForEscalationEvents(800, within: 30) == 800)
                try await Task.sleep(for: .milliseconds(1200))
            }
            let events = try await database.escalationEvents()
            #expect(events.count == 800)
            #expect(Set(events.map { "\($0.referralId):\($0.step)" }).count == 800)
            let lateness = events.map(\.firedMinusPlanned)
            #expect(lateness.allSatisfy { $0 >= 0 })
            #expect((lateness.max() ?? 0) < 10, "slowest step fired \(lateness.max() ?? 0) s after its moment")
            let alerts = try await database.alerts()
            #expect(alerts.count == 800)
            #expect(Set(alerts.map(\.messageId)).count == 800)
        }
    }
}
