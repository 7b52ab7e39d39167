import Foundation

/// An agency's request for more time that the secretariat has not decided yet, as the
/// read view `pending_extensions_v1` shows it to the reporting role: without the agency's
/// note, which is free text and may name people.
public struct PendingExtensionRequest: Sendable, Equatable {
    public var requestId: Int64
    public var referralId: UUID
    public var caseId: UUID
    public var agency: String
    /// The local date (Asia/Baku) the agency asked for, YYYY-MM-DD.
    public var requestedDueBy: String
    /// The referral's deadline in force now.
    public var dueBy: Date
    public var requestedAt: Date

    public init(
        requestId: Int64, referralId: UUID, caseId: UUID, agency: String, requestedDueBy: String, dueBy: Date, requestedAt: Date
    ) {
        self.requestId = requestId
        self.referralId = referralId
        self.caseId = caseId
        self.agency = agency
        self.requestedDueBy = requestedDueBy
        self.dueBy = dueBy
        self.requestedAt = requestedAt
    }
}
