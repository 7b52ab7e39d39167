import Foundation
import WorkingCalendar

/// One extension request as the secretariat lists it, with its decision when there is one.
public struct ExtensionRequestRecord: Sendable, Equatable {
    public var id: Int64
    public var referralId: UUID
    public var caseId: UUID
    public var agency: String
    /// The referral's status and deadline now.
    public var status: String
    public var dueBy: Date
    /// The deadline in force when the agency asked, and the date it asked for.
    public var dueByBefore: Date
    public var requestedDueBy: CivilDay
    /// The agency's reason, for the secretariat to decide on.
    public var note: String
    public var officer: String?
    public var requestedAt: Date
    /// `approved`, `refused`, `withdrawn` (the referral closed first), or nil while pending.
    public var decision: String?
    public var decidedBy: String?
    public var decisionNote: String?
    public var grantedDueBy: Date?
    public var decidedAt: Date?

    public init(
        id: Int64, referralId: UUID, caseId: UUID, agency: String, status: String, dueBy: Date, dueByBefore: Date,
        requestedDueBy: CivilDay, note: String, officer: String?, requestedAt: Date, decision: String?, decidedBy: String?,
        decisionNote: String?, grantedDueBy: Date?, decidedAt: Date?
    ) {
        self.id = id
        self.referralId = referralId
        self.caseId = caseId
        self.agency = agency
        self.status = status
        self.dueBy = dueBy
        self.dueByBefore = dueByBefore
        self.requestedDueBy = requestedDueBy
        self.note = note
        self.officer = officer
        self.requestedAt = requestedAt
        self.decision = decision
        self.decidedBy = decidedBy
        self.decisionNote = decisionNote
        self.grantedDueBy = grantedDueBy
        self.decidedAt = decidedAt
    }
}
