import Foundation

/// How many of a case's referral messages the broker confirmed (the outbox's
/// `published_at`), and when the last of them was.
public struct ReferralConfirmation: Sendable, Equatable {
    public var caseId: UUID
    public var confirmed: Int
    public var lastConfirmedAt: Date

    public init(caseId: UUID, confirmed: Int, lastConfirmedAt: Date) {
        self.caseId = caseId
        self.confirmed = confirmed
        self.lastConfirmedAt = lastConfirmedAt
    }
}
