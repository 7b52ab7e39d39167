import Foundation

/// When an agency must acknowledge and complete a referral.
public struct ReferralDeadlines: Sendable, Equatable {
    /// The last instant to acknowledge the referral.
    public var acknowledgeBy: Date
    /// The last instant to complete the referral.
    public var dueBy: Date

    public init(acknowledgeBy: Date, dueBy: Date) {
        self.acknowledgeBy = acknowledgeBy
        self.dueBy = dueBy
    }
}
