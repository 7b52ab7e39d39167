/// What can go wrong talking to the broker. None of the cases carries a password or a
/// message body; broker reply texts name queues and exchanges only.
public enum AMQPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configuration is unusable (bad URL, missing credentials).
    case configuration(String)
    /// TCP/TLS connect, login or channel setup failed.
    case connectFailed(stage: String, reason: String)
    /// The broker refused an operation (e.g. 403 ACCESS_REFUSED, 406 PRECONDITION_FAILED)
    /// and closed the channel or the connection.
    case brokerClosed(code: Int, text: String, context: String)
    /// The socket failed, a heartbeat was missed, or the library reported bad data.
    case connectionLost(String)
    /// The connection was closed by this process.
    case closed

    /// Whether a retry on a new connection may succeed.
    public var isRetryable: Bool {
        switch self {
        case .configuration: false
        case .connectFailed, .connectionLost: true
        // Refused access, a missing exchange or a forbidden property will be refused again.
        case .brokerClosed(let code, _, _): ![403, 404, 406].contains(code)
        case .closed: false
        }
    }

    public var description: String {
        switch self {
        case .configuration(let reason): "AMQP configuration error: \(reason)"
        case .connectFailed(let stage, let reason): "AMQP connect failed at \(stage): \(reason)"
        case .brokerClosed(let code, let text, let context): "AMQP broker closed \(context): \(code) \(text)"
        case .connectionLost(let reason): "AMQP connection lost: \(reason)"
        case .closed: "AMQP connection closed"
        }
    }
}
