import AMQP
import Foundation
import Postgres

/// A service's transactional outbox: messages written in the same transaction as the
/// state change they announce, published later by the `OutboxRelay`.
///
/// Inside a transaction messages are buffered and written with one multi-row insert just
/// before COMMIT, and the relay is woken once per transaction: in-process through
/// `relayWake` when this process runs the schema's relay, otherwise by a NOTIFY on
/// `channel` sent with the COMMIT.
public struct Outbox: Sendable {
    /// The service's schema, which holds the `outbox` table.
    public let schema: String
    /// Wakes this process's relay of the schema; nil when none runs here.
    public let relayWake: WakeSignal?

    public init(schema: String, relayWake: WakeSignal? = nil) {
        self.schema = schema
        self.relayWake = relayWake
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

    /// Stores `messages`: buffered until the transaction commits, or written at once (in
    /// one statement per `rowsPerStatement`) outside a transaction.
    public func enqueue(
        contentsOf messages: [OutgoingMessage], dropIfUnroutable: Bool = false, on connection: PostgresConnection
    ) throws {
        guard !messages.isEmpty else { return }
        let entries = messages.map { OutboxEntry(message: $0, dropIfUnroutable: dropIfUnroutable) }
        if let buffer = connection.deferredWrites(key: table, make: { OutboxBuffer(outbox: self) }) {
            buffer.entries += entries
            return
        }
        try write(entries, on: connection)
    }

    /// Inserts `entries` in as few statements as possible and wakes the relay once.
    func write(_ entries: [OutboxEntry], on connection: PostgresConnection) throws {
        guard !entries.isEmpty else { return }
        let columns = 10
        var start = entries.startIndex
        while start < entries.endIndex {
            let chunk = entries[start..<min(start + Self.rowsPerStatement, entries.endIndex)]
            start = chunk.endIndex
            var rows: [String] = []
            var parameters: [PostgresValue] = []
            rows.reserveCapacity(chunk.count)
            parameters.reserveCapacity(chunk.count * columns)
            for entry in chunk {
                let base = parameters.count
                rows.append("($\(base + 1), $\(base + 2), $\(base + 3), $\(base + 4), $\(base + 5), $\(base + 6), $\(base + 7), $\(base + 8)::jsonb, $\(base + 9), $\(base + 10))")
                let message = entry.message
                let properties = message.properties
                parameters += [
                    .text(message.exchange), .text(message.routingKey), .text(properties.messageId ?? UUID().uuidString.lowercased()),
                    PostgresValue(properties.type), PostgresValue(properties.contentType), PostgresValue(properties.correlationId),
                    PostgresValue(properties.replyTo), .json(HeaderCoding.encode(properties.headers)), .bytes(message.body),
                    .bool(entry.dropIfUnroutable),
                ]
            }
            try connection.execute("""
                INSERT INTO \(table)
                    (exchange, routing_key, message_id, message_type, content_type, correlation_id, reply_to, headers, body, drop_if_unroutable)
                VALUES \(rows.joined(separator: ", "))
                """, parameters)
        }
        if let relayWake {
            connection.afterCommit(key: channel) { relayWake.signal() }
        } else {
            try connection.notifyOnCommit(channel: channel)
        }
    }

    /// Rows per INSERT: well under libpq's 65 535 parameters at ten per row.
    static let rowsPerStatement = 1_000
}

/// One message waiting in a transaction's outbox buffer.
struct OutboxEntry {
    var message: OutgoingMessage
    var dropIfUnroutable: Bool
}
