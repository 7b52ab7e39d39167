import Foundation
import ReferralDomain

/// One referral with the moments the report and the overdue list are computed from.
///
/// `acknowledgedAt` and `completedAt` are when the cluster recorded the agency's update
/// (the same moments the escalation ladder reacts to), not the time the agency claims.
struct ReferralRecord: Sendable, Equatable {
    var referralId: UUID
    var caseId: UUID
    var agency: String
    var status: ReferralStatus
    var issuedAt: Date
    var acknowledgeBy: Date
    var dueBy: Date
    /// The first update that showed the agency had the referral (acknowledged, in progress or completed).
    var acknowledgedAt: Date?
    var completedAt: Date?
    /// Deadline extension requests the agency made on it, and how many the secretariat
    /// approved or refused (contract item 8). `dueBy` is already the deadline in force.
    var extensionsRequested = 0
    var extensionsGranted = 0
    var extensionsRefused = 0
    /// "Ə. M.", cut from the case the referral service holds; nil when it has no name.
    var personInitials: String? = nil
}
