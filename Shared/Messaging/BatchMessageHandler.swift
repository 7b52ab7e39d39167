import AMQP
import Postgres

/// A handler that can apply several new messages with a few set-wise statements.
///
/// The consumer calls `handle(batch:in:)` with the batch's messages not yet in the inbox,
/// in delivery order, inside its transaction. It is all or nothing: throwing rolls the
/// whole batch back, and the consumer then handles each message on its own with
/// `handle(_:in:)` inside its own savepoint, so a bad message still gets its own
/// refusal, redelivery or dead-lettering. The outcomes are one per message, in order.
public protocol BatchMessageHandler: MessageHandler {
    func handle(batch: [Delivery], in connection: PostgresConnection) throws -> [HandlingOutcome]
}
