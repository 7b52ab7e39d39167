import Foundation

/// One entry of a referral's deadline history: an extension asked for, approved, refused
/// or withdrawn (the referral closed first), who and when, from which deadline to which.
/// The note stays out.
public struct DeadlineChange: Sendable, Equatable {
    public var referralId: UUID
    public var agency: String
    /// `extension-requested`, `extension-approved`, `extension-refused` or `extension-withdrawn`.
    public var event: String
    public var fromDueBy: Date
    public var toDueBy: Date
    public var actor: String
    public var recordedAt: Date
    public var extensionRequestId: Int64

    public init(
        referralId: UUID, agency: String, event: String, fromDueBy: Date, toDueBy: Date, actor: String, recordedAt: Date,
        extensionRequestId: Int64
    ) {
        self.referralId = referralId
        self.agency = agency
        self.event = event
        self.fromDueBy = fromDueBy
        self.toDueBy = toDueBy
        self.actor = actor
        self.recordedAt = recordedAt
        self.extensionRequestId = extensionRequestId
    }
}
