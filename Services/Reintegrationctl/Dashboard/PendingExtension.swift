import Foundation
import ReferralOperations

/// An agency's request for more time that the secretariat has not decided yet.
struct PendingExtension: Sendable, Equatable, Encodable {
    var requestId: Int
    var agency: String
    /// Lowercase, as the database writes them.
    var referralId: String
    var caseId: String
    /// The local date (Asia/Baku) the agency asked for, YYYY-MM-DD.
    var requestedDueBy: String
    /// The referral's due-by deadline in force now.
    var currentDueBy: Date
    var requestedAt: Date
}

extension PendingExtension {
    /// The request as the dashboard shows it: identifiers in lowercase, as the database
    /// and the agencies' messages write them.
    init(_ request: PendingExtensionRequest) {
        self.init(
            requestId: Int(request.requestId), agency: request.agency, referralId: OperatorTime.identifier(request.referralId),
            caseId: OperatorTime.identifier(request.caseId), requestedDueBy: request.requestedDueBy, currentDueBy: request.dueBy,
            requestedAt: request.requestedAt)
    }
}
