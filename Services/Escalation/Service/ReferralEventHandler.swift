import AMQP
import Contract
import EscalationDomain
import Logging
import Messaging
import Metrics
import Postgres
import WorkingCalendar

/// Records each referral event, plans the escalation ladder on `issued`, cancels the
/// steps an agency's answer makes unnecessary, and plans the pending steps again from the
/// new deadline when an extension is approved (`deadline-changed`).
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
        if event.kind == .deadlineChanged { return try replan(event, metadata: Self.metadata(of: event), on: connection) }
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

    /// Moves the referral's deadline and plans its pending `dueBy` steps again; fired steps
    /// stay fired. Runs once per event: the inbox drops a redelivery, and a deadline that
    /// is not later than the one kept changes nothing.
    private func replan(_ event: ReferralEvent, metadata: Logger.Metadata, on connection: PostgresConnection) throws -> HandlingOutcome {
        guard let dueBy = event.dueBy else { throw LadderPlanningError.missingDeadline(field: "dueBy") }
        guard let moved = try store.moveDeadline(of: event.referralId, to: dueBy, event: event, on: connection) else {
            logger.info("deadline not later than the one kept (or referral unknown); nothing changes", metadata: metadata)
            return .duplicate
        }
        let steps = LadderPlanner.replan(
            pendingSteps: moved.pendingSteps, agency: moved.agency, dueBy: dueBy, policy: policy, calendar: calendar)
        let changed = try store.reschedule(steps, of: event.referralId, on: connection)
        Counter(label: "escalation_ladders_replanned_total", dimensions: [("agency", moved.agency)]).increment()
        logger.info("ladder planned again from the extended deadline", metadata: metadata.merging([
            "dueBy": "\(Timestamp.format(dueBy))", "rescheduledSteps": "\(changed)",
        ]) { $1 })
        return .applied
    }
}
