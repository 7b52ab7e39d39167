import Foundation

/// A referral of a case, with its status and deadlines: what a case lookup lists.
public struct CaseReferral: Sendable, Equatable {
    public var referralId: UUID
    public var caseId: UUID
    public var agency: String
    public var status: String
    public var issuedAt: Date
    public var acknowledgeBy: Date
    public var dueBy: Date

    public init(referralId: UUID, caseId: UUID, agency: String, status: String, issuedAt: Date, acknowledgeBy: Date, dueBy: Date) {
        self.referralId = referralId
        self.caseId = caseId
        self.agency = agency
        self.status = status
        self.issuedAt = issuedAt
        self.acknowledgeBy = acknowledgeBy
        self.dueBy = dueBy
    }
}
