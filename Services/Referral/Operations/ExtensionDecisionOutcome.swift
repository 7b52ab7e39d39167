import Foundation

/// What a recorded decision did.
public struct ExtensionDecisionOutcome: Sendable, Equatable {
    public var requestId: Int64
    public var referralId: UUID
    public var agency: String
    /// `approved` or `refused`.
    public var decision: String
    public var dueByBefore: Date
    /// The deadline in force now (the same as before on a refusal).
    public var dueByAfter: Date

    public init(requestId: Int64, referralId: UUID, agency: String, decision: String, dueByBefore: Date, dueByAfter: Date) {
        self.requestId = requestId
        self.referralId = referralId
        self.agency = agency
        self.decision = decision
        self.dueByBefore = dueByBefore
        self.dueByAfter = dueByAfter
    }
}
