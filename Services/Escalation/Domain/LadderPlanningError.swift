import Contract

/// Why no ladder could be planned from a referral event.
public enum LadderPlanningError: Error, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Ladders are planned from `issued` events only.
    case notAnIssuedEvent(kind: ReferralEvent.Kind)
    /// The `issued` event lacks a deadline (`acknowledgeBy` or `dueBy`).
    case missingDeadline(field: String)

    public var description: String {
        switch self {
        case .notAnIssuedEvent(let kind): "ladder: planned from issued events, got \(kind.rawValue)"
        case .missingDeadline(let field): "ladder: the issued event has no \(field)"
        }
    }

    public var debugDescription: String { "LadderPlanningError: \(description)" }
}
