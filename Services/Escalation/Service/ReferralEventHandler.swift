import AMQP
import Contract
import EscalationDomain
import Logging
import Messaging
import Metrics
import Postgres
import WorkingCalendar

/// Records each referral event, plans the escalation ladder on `issued` and cancels the
/// steps an agency's answer makes unnecessary.
///
/// Events of one referral may arrive out of order after redeliveries: an answer that
/// comes before its `issued` event is recorded, and applied when the ladder is planned.
struct ReferralEventHandler: MessageHandler {
    let store: EscalationStore
    let policy: EscalationPolicy
    let calendar: WorkingCalendar
    let logger: Logger

    func handle(_ delivery: Delivery, in connection: PostgresConnection) throws -> HandlingOutcome {
        let event = try ContractCoding.decode(ReferralEvent.self, from: delivery.body)
        return try apply(event, on: connection)
    }

    /// Applies one decoded event inside the caller's transaction.
    func apply(_ event: ReferralEvent, on connection: PostgresConnection) throws -> HandlingOutcome {
        let firstEvent = try store.record(event, on: connection)
        guard event.kind == .issued else {
            let cancelled = try store.cancelPendingSteps(of: event.referralId, by: event.kind, on: connection)
            logger.info("referral event recorded", metadata: Self.metadata(of: event).merging(["cancelledSteps": "\(cancelled)"]) { $1 })
            return .applied
        }
        let plan = try LadderPlanner.plan(issued: event, policy: policy, calendar: calendar)
        let stored = try store.storeLadder(plan, for: event, on: connection)
        guard stored > 0 else {
            logger.info("ladder already planned; nothing changes", metadata: Self.metadata(of: event))
            return .duplicate
        }
        let cancelled = firstEvent ? [] : try cancelOvertakenSteps(of: event, on: connection)
        noteLadderPlanned(event, plan: plan, cancelled: cancelled)
        return .applied
    }

    /// Answers that overtook the issued event cancel their steps now; returns the steps cancelled.
    func cancelOvertakenSteps(of event: ReferralEvent, on connection: PostgresConnection) throws -> [Int] {
        var cancelled: [Int] = []
        for answer in try store.recordedAnswers(for: event.referralId, on: connection) {
            cancelled += try store.cancelPendingSteps(of: event.referralId, by: answer, on: connection)
        }
        return cancelled.sorted()
    }

    func noteLadderPlanned(_ event: ReferralEvent, plan: [PlannedStep], cancelled: [Int]) {
        Counter(label: "escalation_ladders_planned_total", dimensions: [("agency", event.agency)]).increment()
        // Debug: the case's referral service already logs the issue at info, once per case.
        logger.debug("ladder planned", metadata: Self.metadata(of: event).merging([
            "steps": "\(plan.map(\.step))", "cancelledSteps": "\(cancelled)",
        ]) { $1 })
    }

    static func metadata(of event: ReferralEvent) -> Logger.Metadata {
        [
            "referralId": "\(ContractID.text(event.referralId))", "caseId": "\(ContractID.text(event.caseId))", "kind": "\(event.kind.rawValue)",
        ]
    }
}
