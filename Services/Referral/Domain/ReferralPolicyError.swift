/// Why a referral policy was refused. Policies hold configuration, never personal data,
/// so the description names the offending entry.
public enum ReferralPolicyError: Error, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The bytes are not JSON.
    case notJSON
    /// An entry (`agencies.health.completeWithin`, `routing.housing`) is wrong.
    case invalidEntry(entry: String, problem: String)
    /// A referral was planned for an agency the policy does not know.
    case unknownAgency(code: String)

    public var description: String {
        switch self {
        case .notJSON: "referral policy: not JSON"
        case .invalidEntry(let entry, let problem): "referral policy: \(entry): \(problem)"
        case .unknownAgency(let code): "referral policy: no agency \"\(code)\""
        }
    }

    public var debugDescription: String { "ReferralPolicyError: \(description)" }
}
