import Foundation

/// `referral-updated.v1`: referral service → `referrals.<agency>` (contract v1.1, item 8).
/// The secretariat's decision on an agency's deadline extension request:
/// `{"schema": "referral-updated.v1", "referralId": "…", "dueBy": "…",
///   "reason": "extension-approved", "note": "…"}`. `dueBy` is the deadline in force
/// after the decision (unchanged on a refusal).
public struct ReferralUpdated: Sendable, Codable, Equatable {
    public enum Reason: String, Sendable, Codable, CaseIterable {
        case extensionApproved = "extension-approved"
        case extensionRefused = "extension-refused"
    }

    public var schema: String = MessageType.referralUpdated
    public var referralId: UUID
    public var dueBy: Date
    public var reason: Reason
    /// The secretariat's note on its decision.
    public var note: String

    public init(referralId: UUID, dueBy: Date, reason: Reason, note: String) {
        self.referralId = referralId
        self.dueBy = dueBy
        self.reason = reason
        self.note = note
    }
}
