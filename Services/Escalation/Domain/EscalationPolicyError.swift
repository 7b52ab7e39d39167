/// Why an escalation policy was refused. Policies hold configuration, never personal
/// data, so the description names the offending entry.
public enum EscalationPolicyError: Error, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The bytes are not JSON.
    case notJSON
    /// An entry (`steps[1].offset`, `agencies.health[0].step`) is wrong.
    case invalidEntry(entry: String, problem: String)

    public var description: String {
        switch self {
        case .notJSON: "escalation policy: not JSON"
        case .invalidEntry(let entry, let problem): "escalation policy: \(entry): \(problem)"
        }
    }

    public var debugDescription: String { "EscalationPolicyError: \(description)" }
}
