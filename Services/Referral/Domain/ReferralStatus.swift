import Contract

/// A referral's status and the rules for changing it.
///
/// The chain is `issued` → `acknowledged` → `in-progress` → `completed`; any open status
/// may become `declined` (with a note). Moving forward may skip steps (an agency that
/// reports late may go straight from `issued` to `in-progress` or `completed`): the
/// skipped statuses are implied. Going back, or leaving `completed` or `declined`, is
/// refused as `invalid-transition`.
public enum ReferralStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case issued
    case acknowledged
    case inProgress = "in-progress"
    case completed
    case declined

    /// Issued, acknowledged or in progress: the agency still owes an outcome.
    public var isOpen: Bool { self != .completed && self != .declined }

    /// The `referral-event.v1` kind recording a change to this status.
    public var eventKind: ReferralEvent.Kind {
        switch self {
        case .issued: .issued
        case .acknowledged: .acknowledged
        case .inProgress: .inProgress
        case .completed: .completed
        case .declined: .declined
        }
    }

    /// Position on the chain; `declined` is off the chain.
    private var chainPosition: Int? {
        switch self {
        case .issued: 0
        case .acknowledged: 1
        case .inProgress: 2
        case .completed: 3
        case .declined: nil
        }
    }

    /// What to do with `update` for a referral currently in `current`.
    public static func decide(current: ReferralStatus, update: StatusUpdate) -> TransitionDecision {
        let target = update.status
        if target == current { return .duplicate }
        guard current.isOpen else {
            return .refuse(.invalidTransition, detail: "status: the referral is already \(current.rawValue)")
        }
        if target == .declined {
            guard update.hasNote else {
                return .refuse(.invalidField, detail: "note: required when the status is declined")
            }
            return .apply
        }
        guard let from = current.chainPosition, let to = target.chainPosition, to > from else {
            return .refuse(
                .invalidTransition, detail: "status: cannot go from \(current.rawValue) back to \(target.rawValue)")
        }
        return .apply
    }
}

/// The outcome of `ReferralStatus.decide(current:update:)`.
public enum TransitionDecision: Sendable, Equatable {
    /// Record the new status.
    case apply
    /// The referral already has this status: accept silently, change nothing.
    case duplicate
    /// Refuse the update (to `agency.updates.rejected`) with this reason and detail.
    case refuse(RejectionReason, detail: String)
}
