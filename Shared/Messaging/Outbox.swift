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
        try enqueue(contentsOf: [message], dropIfUnroutable: dropIfUnroutable, on: connection)
    }

    /// Stores `messages` in as few statements as possible (one per `rowsPerStatement`)
    /// and wakes the relay once: a burst costs a round trip per thousand, not per message.
    public func enqueue(
        contentsOf messages: [OutgoingMessage], dropIfUnroutable: Bool = false, on connection: PostgresConnection
    ) throws {
        guard !messages.isEmpty else { return }
        let columns = 10
        var start = messages.startIndex
        while start < messages.endIndex {
            let chunk = messages[start..<min(start + Self.rowsPerStatement, messages.endIndex)]
            start = chunk.endIndex
            var rows: [String] = []
            var parameters: [PostgresValue] = []
            rows.reserveCapacity(chunk.count)
            parameters.reserveCapacity(chunk.count * columns)
            for message in chunk {
                let base = parameters.count
                rows.append("($\(base + 1), $\(base + 2), $\(base + 3), $\(base + 4), $\(base + 5), $\(base + 6), $\(base + 7), $\(base + 8)::jsonb, $\(base + 9), $\(base + 10))")
                let properties = message.properties
                parameters += [
                    .text(message.exchange), .text(message.routingKey), .text(properties.messageId ?? UUID().uuidString.lowercased()),
                    PostgresValue(properties.type), PostgresValue(properties.contentType), PostgresValue(properties.correlationId),
                    PostgresValue(properties.replyTo), .json(HeaderCoding.encode(properties.headers)), .bytes(message.body),
                    .bool(dropIfUnroutable),
                ]
            }
            try connection.execute("""
                INSERT INTO \(table)
                    (exchange, routing_key, message_id, message_type, content_type, correlation_id, reply_to, headers, body, drop_if_unroutable)
                VALUES \(rows.joined(separator: ", "))
                """, parameters)
        }
        try connection.execute("SELECT pg_notify($1, '')", [.text(channel)])
    }

    /// Rows per INSERT: well under libpq's 65 535 parameters at ten per row.
    static let rowsPerStatement = 1_000
}
