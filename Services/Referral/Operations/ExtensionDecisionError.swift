/// Why a decision on an extension request was not recorded. Messages name the request and
/// what to do; they never quote notes.
public enum ExtensionDecisionError: Error, Equatable, CustomStringConvertible {
    /// No request has this id.
    case notFound(requestId: Int64)
    /// Someone decided first (two operators at once, or the same command twice).
    case alreadyDecided(requestId: Int64, decision: String, decidedBy: String)
    /// The referral was completed or declined: there is no deadline left to move.
    case referralClosed(requestId: Int64, status: String)
    /// The date granted is not later than the deadline in force.
    case dateNotLater(requestId: Int64, currentDueBy: String)
    /// The name or note is missing or too long.
    case invalidDecision(String)

    public var description: String {
        switch self {
        case .notFound(let id):
            "extension request \(id) does not exist (see: reintegrationctl referral extension list)"
        case .alreadyDecided(let id, let decision, let decidedBy):
            "extension request \(id) was already \(decision) by \(decidedBy); nothing changed"
        case .referralClosed(let id, let status):
            "the referral of extension request \(id) is \(status): it cannot be extended (refuse the request instead)"
        case .dateNotLater(let id, let current):
            "extension request \(id): the date granted must be later than the current dueBy (\(current), Asia/Baku)"
        case .invalidDecision(let problem):
            problem
        }
    }
}
