import Contract
import Foundation
import WorkingCalendar

/// The deadline-escalation ladder: the contract's four steps by default, adjustable per
/// agency.
///
/// 1. the first second after `acknowledgeBy`, not acknowledged: the agency's focal points;
/// 2. one working day before `dueBy`, not completed: the focal points;
/// 3. the first second after `dueBy`, not completed: the working-group members;
/// 4. five working days after `dueBy`, still open: the chair and the secretariat.
///
/// Step 1 is cancelled by any answer of the agency (acknowledged, in progress, completed,
/// declined); steps 2-4 only by completed or declined.
public struct EscalationPolicy: Sendable, Equatable {
    /// The key under `agencies` whose overrides apply to every district authority.
    public static let districtAuthoritiesKey = "local.*"

    public var steps: [LadderStep]
    /// Overrides by agency code, or `local.*` for every `local.<district>`. A specific
    /// code's overrides are applied after those of `local.*`.
    public var agencies: [String: [LadderStepOverride]]

    public init(steps: [LadderStep], agencies: [String: [LadderStepOverride]] = [:]) {
        self.steps = steps
        self.agencies = agencies
    }

    /// The contract's ladder.
    public static let `default` = EscalationPolicy(steps: [
        LadderStep(
            step: 1, anchor: .acknowledgeBy, offset: .seconds(1), audiences: [.focalPoints],
            cancelledBy: [.acknowledged, .inProgress, .completed, .declined]
        ),
        LadderStep(step: 2, anchor: .dueBy, offset: .workingDays(-1), audiences: [.focalPoints]),
        LadderStep(step: 3, anchor: .dueBy, offset: .seconds(1), audiences: [.workingGroupMembers]),
        LadderStep(step: 4, anchor: .dueBy, offset: .workingDays(5), audiences: [.chair, .secretariat]),
    ])

    /// The ladder for `agency`, steps in ascending order, overrides applied.
    public func ladder(for agency: String) -> [LadderStep] {
        var ladder = steps.sorted { $0.step < $1.step }
        var overrides: [LadderStepOverride] = []
        if agency.hasPrefix("local."), let shared = agencies[Self.districtAuthoritiesKey] { overrides += shared }
        if let specific = agencies[agency] { overrides += specific }
        for override in overrides {
            guard let index = ladder.firstIndex(where: { $0.step == override.step }) else { continue }
            ladder[index] = override.applied(to: ladder[index])
        }
        return ladder
    }
}
