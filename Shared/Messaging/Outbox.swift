import AMQP
import Foundation
import Postgres

/// A service's transactional outbox: messages written in the same transaction as the
/// state change they announce, published later by the `OutboxRelay`.
public struct Outbox: Sendable {
    /// The service's schema, which holds the `outbox` table.
    public let schema: String

    public init(schema: String) {
        self.schema = schema
    }

    var table: String { "\(PostgresIdentifier.quoted(schema)).outbox" }

    /// The NOTIFY channel that wakes the relay when a transaction with messages commits.
    public var channel: String { "\(schema)_outbox" }

    /// Stores `message` for publication once the surrounding transaction commits.
    /// `dropIfUnroutable` is for replies: when nobody listens any more, the attempt is
    /// recorded and not retried; every other message is retried until it is routed.
    public func enqueue(_ message: OutgoingMessage, dropIfUnroutable: Bool = false, on connection: PostgresConnection) throws {
        let properties = message.properties
        try connection.execute("""
            INSERT INTO \(table)
                (exchange, routing_key, message_id, message_type, content_type, correlation_id, reply_to, headers, body, drop_if_unroutable)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10)
            """, [
                .text(message.exchange), .text(message.routingKey), .text(properties.messageId ?? UUID().uuidString.lowercased()),
                PostgresValue(properties.type), PostgresValue(properties.contentType), PostgresValue(properties.correlationId),
                PostgresValue(properties.replyTo), .json(HeaderCoding.encode(properties.headers)), .bytes(message.body),
                .bool(dropIfUnroutable),
            ])
        try connection.execute("SELECT pg_notify($1, '')", [.text(channel)])
    }
}
