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
}
