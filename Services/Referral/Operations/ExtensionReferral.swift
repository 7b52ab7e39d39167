import Foundation
import ReferralDomain

/// A referral as an extension request or decision sees it: who it belongs to, its
/// status and the deadline in force, and the person's initials (the only personal detail
/// an alert may carry).
public struct ExtensionReferral: Sendable, Equatable {
    public var referralId: UUID
    public var caseId: UUID
    public var agency: String
    public var status: ReferralStatus
    public var dueBy: Date
    public var personInitials: String?

    public init(referralId: UUID, caseId: UUID, agency: String, status: ReferralStatus, dueBy: Date, personInitials: String?) {
        self.referralId = referralId
        self.caseId = caseId
        self.agency = agency
        self.status = status
        self.dueBy = dueBy
        self.personInitials = personInitials
    }
}
