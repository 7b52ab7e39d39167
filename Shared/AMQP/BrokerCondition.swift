/// How a client's broker connection stands, for readiness reports. Never carries a password.
public enum BrokerCondition: Sendable, Hashable, CustomStringConvertible {
    /// Connected, and the broker takes publishes.
    case open
    /// Connected, but the broker blocks publishers (a memory or disk alarm).
    case blocked
    /// The last connect attempt was refused: wrong user name or password.
    case authenticationFailed(user: String)
    /// Not connected; the last connect attempt failed with this reason (nil: none finished yet).
    case disconnected(reason: String?)

    /// Whether the client can publish now.
    public var isReady: Bool { self == .open }

    public var description: String {
        switch self {
        case .open: "open"
        case .blocked: "blocked: the broker blocks publishers (memory or disk alarm)"
        case .authenticationFailed(let user): "authentication failed for user \(user)"
        case .disconnected(let reason?): "not connected: \(reason)"
        case .disconnected(nil): "not connected"
        }
    }
}
