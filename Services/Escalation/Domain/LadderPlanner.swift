import Contract
import Foundation
import WorkingCalendar

/// Plans a referral's escalation ladder from its `issued` event.
public enum LadderPlanner {
    /// Every step of the agency's ladder with its moment: the step's deadline moved by the
    /// step's offset (working days on `calendar`, keeping the deadline's local time, or
    /// plain seconds added to the deadline instant). A moment is never before the
    /// referral was issued. Steps come in ascending order.
    public static func plan(
        issued event: ReferralEvent, policy: EscalationPolicy, calendar: WorkingCalendar
    ) throws(LadderPlanningError) -> [PlannedStep] {
        guard event.kind == .issued else { throw .notAnIssuedEvent(kind: event.kind) }
        guard let acknowledgeBy = event.acknowledgeBy else { throw .missingDeadline(field: "acknowledgeBy") }
        guard let dueBy = event.dueBy else { throw .missingDeadline(field: "dueBy") }
        let issuedAt = event.issuedAt ?? event.at
        return policy.ladder(for: event.agency).map { step in
            let deadline = step.anchor == .acknowledgeBy ? acknowledgeBy : dueBy
            let moment = max(calendar.offset(deadline, by: step.offset), issuedAt)
            return PlannedStep(
                step: step.step, moment: moment, deadline: deadline, audiences: step.audiences,
                cancelledBy: step.cancelledBy
            )
        }
    }

    /// The pending steps (by number) planned again from a new `dueBy`: each step the
    /// agency's ladder anchors on `dueBy` gets its moment from the new deadline by the
    /// step's offset, and shows that deadline. Steps anchored on `acknowledgeBy`, steps
    /// already fired or cancelled (not in `pendingSteps`) and steps the ladder no longer
    /// has keep their plan.
    public static func replan(
        pendingSteps: [Int], agency: String, dueBy: Date, policy: EscalationPolicy, calendar: WorkingCalendar
    ) -> [RescheduledStep] {
        let pending = Set(pendingSteps)
        return policy.ladder(for: agency).filter { $0.anchor == .dueBy && pending.contains($0.step) }.map { step in
            RescheduledStep(step: step.step, moment: calendar.offset(dueBy, by: step.offset), deadline: dueBy)
        }
    }
}
