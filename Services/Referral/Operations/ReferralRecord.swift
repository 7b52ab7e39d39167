import Foundation
import ReferralDomain

/// One referral as the read view `referral_records_v1` shows it: the moments the
/// operators' report, overdue list and dashboard are computed from.
///
/// `acknowledgedAt` and `completedAt` are when the cluster recorded the agency's update
/// (the same moments the escalation ladder reacts to), not the time the agency claims.
public struct ReferralRecord: Sendable, Equatable {
    public var referralId: UUID
    public var caseId: UUID
    public var agency: String
    public var status: ReferralStatus
    public var issuedAt: Date
    public var acknowledgeBy: Date
    public var dueBy: Date
    /// The first update that showed the agency had the referral (acknowledged, in progress or completed).
    public var acknowledgedAt: Date?
    public var completedAt: Date?
    /// Deadline extension requests the agency made on it, and how many the secretariat
    /// approved or refused (contract item 8). `dueBy` is already the deadline in force.
    public var extensionsRequested: Int
    public var extensionsGranted: Int
    public var extensionsRefused: Int
    /// "Ə. M.", cut from the case the referral service holds; nil when it has no name.
    public var personInitials: String?

    public init(
        referralId: UUID, caseId: UUID, agency: String, status: ReferralStatus, issuedAt: Date, acknowledgeBy: Date, dueBy: Date,
        acknowledgedAt: Date? = nil, completedAt: Date? = nil, extensionsRequested: Int = 0, extensionsGranted: Int = 0,
        extensionsRefused: Int = 0, personInitials: String? = nil
    ) {
        self.referralId = referralId
        self.caseId = caseId
        self.agency = agency
        self.status = status
        self.issuedAt = issuedAt
        self.acknowledgeBy = acknowledgeBy
        self.dueBy = dueBy
        self.acknowledgedAt = acknowledgedAt
        self.completedAt = completedAt
        self.extensionsRequested = extensionsRequested
        self.extensionsGranted = extensionsGranted
        self.extensionsRefused = extensionsRefused
        self.personInitials = personInitials
    }
}
