import AMQP
import Postgres

/// A service's reaction to one consumed message.
///
/// `handle` runs inside the consumer's transaction: the inbox record, the handler's
/// writes and any outbox messages it enqueues commit together, or not at all. Throwing
/// undoes this message's work only; the message is then redelivered, and dead-lettered
/// with the error after the queue's delivery limit. A message the service refuses on its
/// merits is not an error: the handler records the refusal (and enqueues the rejected
/// copy) and returns `.refused`.
public protocol MessageHandler: Sendable {
    func handle(_ delivery: Delivery, in connection: PostgresConnection) throws -> HandlingOutcome

    /// Called instead of `handle` for a message whose `message_id` is already in the inbox
    /// (redelivered, or sent again): it must have no second effect, but may answer the
    /// sender again. Does nothing unless a handler has something to say.
    func handleRepeat(_ delivery: Delivery, in connection: PostgresConnection) throws
}

extension MessageHandler {
    public func handleRepeat(_ delivery: Delivery, in connection: PostgresConnection) throws {}
}

/// How a message ended, for metrics and logs.
public enum HandlingOutcome: Sendable, Equatable {
    case applied
    /// Already applied (same content seen before); nothing new happened.
    case duplicate
    /// Refused with a contract reason code.
    case refused(reason: String)

    var label: String {
        switch self {
        case .applied: "applied"
        case .duplicate: "duplicate"
        case .refused: "refused"
        }
    }
}
