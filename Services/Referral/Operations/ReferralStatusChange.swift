import Foundation

/// One entry of a referral's status history, without the agency's officer and note (they
/// may name people).
public struct ReferralStatusChange: Sendable, Equatable {
    public var referralId: UUID
    public var agency: String
    /// Nil for the referral's first status.
    public var fromStatus: String?
    public var toStatus: String
    /// When the cluster recorded it.
    public var recordedAt: Date
    public var actor: String
    /// The status update's message id; nil for changes the cluster made itself.
    public var messageId: String?

    public init(
        referralId: UUID, agency: String, fromStatus: String?, toStatus: String, recordedAt: Date, actor: String, messageId: String?
    ) {
        self.referralId = referralId
        self.agency = agency
        self.fromStatus = fromStatus
        self.toStatus = toStatus
        self.recordedAt = recordedAt
        self.actor = actor
        self.messageId = messageId
    }
}
