import Foundation

/// `referral-event.v1`: referral → escalation, on `cluster.events` with key
/// `referral.<kind>`. One event per state change of a referral, and one per approved
/// deadline extension (`deadline-changed`, carrying the new `dueBy`).
public struct ReferralEvent: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case issued
        case acknowledged
        case inProgress = "in-progress"
        case completed
        case declined
        /// The secretariat approved a deadline extension: `dueBy` is the deadline now in force.
        case deadlineChanged = "deadline-changed"
    }

    public var schema: String = MessageType.referralEvent
    public var kind: Kind
    public var referralId: UUID
    public var caseId: UUID
    public var agency: String
    public var at: Date
    /// Set on `issued`: the deadlines the escalation ladder is planned from; `dueBy` also on
    /// `deadline-changed`.
    public var issuedAt: Date?
    public var acknowledgeBy: Date?
    public var dueBy: Date?
    /// Set on `issued`: the person's initials, the only personal detail alerts may carry.
    public var personInitials: String?

    public init(
        kind: Kind, referralId: UUID, caseId: UUID, agency: String, at: Date,
        issuedAt: Date? = nil, acknowledgeBy: Date? = nil, dueBy: Date? = nil, personInitials: String? = nil
    ) {
        self.kind = kind
        self.referralId = referralId
        self.caseId = caseId
        self.agency = agency
        self.at = at
        self.issuedAt = issuedAt
        self.acknowledgeBy = acknowledgeBy
        self.dueBy = dueBy
        self.personInitials = personInitials
    }
}
