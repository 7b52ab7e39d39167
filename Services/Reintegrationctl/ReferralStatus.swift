/// A referral's status, as the contract names it.
enum ReferralStatus: String, Sendable, Codable, CaseIterable {
    case issued
    case acknowledged
    case inProgress = "in-progress"
    case completed
    case declined

    /// Still waiting for the agency: neither completed nor declined.
    var isOpen: Bool { self != .completed && self != .declined }
}
