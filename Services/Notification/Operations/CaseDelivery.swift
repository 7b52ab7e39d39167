import Foundation

/// One alert delivery for a case: to whom by directory id and role (never by address),
/// by which channel, and where it stands.
public struct CaseDelivery: Sendable, Equatable {
    public var id: UUID
    public var referralId: UUID?
    public var agency: String?
    /// The ladder step of an escalation alert; nil for other kinds.
    public var step: Int?
    /// The request's kind (`escalation`, `extension-requested`, …).
    public var kind: String
    public var recipientId: UUID
    public var recipientRole: String
    /// `email` or `webhook`.
    public var channel: String
    public var status: String
    public var createdAt: Date
    public var attempts: Int

    public init(
        id: UUID, referralId: UUID?, agency: String?, step: Int?, kind: String, recipientId: UUID, recipientRole: String,
        channel: String, status: String, createdAt: Date, attempts: Int
    ) {
        self.id = id
        self.referralId = referralId
        self.agency = agency
        self.step = step
        self.kind = kind
        self.recipientId = recipientId
        self.recipientRole = recipientRole
        self.channel = channel
        self.status = status
        self.createdAt = createdAt
        self.attempts = attempts
    }
}
