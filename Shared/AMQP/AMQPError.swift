/// What can go wrong talking to the broker. None of the cases carries a password or a
/// message body; broker reply texts name queues and exchanges only.
public enum AMQPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The configuration is unusable (bad URL, missing credentials).
    case configuration(String)
    /// TCP/TLS connect, login or channel setup failed.
    case connectFailed(stage: String, reason: String)
    /// The broker refused the user name and password (or the user may not use the vhost).
    case authenticationFailed(user: String, reason: String)
    /// The broker refused an operation (e.g. 403 ACCESS_REFUSED, 406 PRECONDITION_FAILED)
    /// and closed the channel or the connection.
    case brokerClosed(code: Int, text: String, context: String)
    /// The socket failed, a heartbeat was missed, or the library reported bad data.
    case connectionLost(String)
    /// A publish was not confirmed in time while the broker blocked the connection
    /// (a memory or disk alarm): the broker may or may not have the messages.
    case brokerBlocked(waitedSeconds: Int)
    /// A publish was not confirmed in time although the connection was not blocked.
    case confirmTimedOut(waitedSeconds: Int)
    /// The caller stopped waiting (its task was cancelled, e.g. at shutdown).
    case cancelled
    /// The connection was closed by this process.
    case closed

    /// Whether a retry on a new connection may succeed.
    public var isRetryable: Bool {
        switch self {
        case .configuration: false
        // The password may be corrected at the broker: retried, with backoff.
        case .connectFailed, .connectionLost, .authenticationFailed: true
        // Refused access, a missing exchange or a forbidden property will be refused again.
        case .brokerClosed(let code, _, _): ![403, 404, 406].contains(code)
        // The caller's time limit is up: publishing again at once would wait again.
        case .brokerBlocked, .confirmTimedOut, .cancelled: false
        case .closed: false
        }
    }

    public var description: String {
        switch self {
        case .configuration(let reason): "AMQP configuration error: \(reason)"
        case .connectFailed(let stage, let reason): "AMQP connect failed at \(stage): \(reason)"
        case .authenticationFailed(let user, let reason): "AMQP authentication failed for user \(user): \(reason)"
        case .brokerClosed(let code, let text, let context): "AMQP broker closed \(context): \(code) \(text)"
        case .connectionLost(let reason): "AMQP connection lost: \(reason)"
        case .brokerBlocked(let seconds): "AMQP publish not confirmed within \(seconds) s: the broker blocks publishers (memory or disk alarm)"
        case .confirmTimedOut(let seconds): "AMQP publish not confirmed within \(seconds) s"
        case .cancelled: "AMQP publish cancelled before its confirm"
        case .closed: "AMQP connection closed"
        }
    }
}
