import Postgres

/// A service's inbox: the `message_id`s each consumer has already applied, recorded in
/// the same transaction as the effect, so a redelivered message has no second effect.
public struct Inbox: Sendable {
    public let schema: String

    public init(schema: String) {
        self.schema = schema
    }

    /// Records the message for `consumer`; false when it was recorded before (a duplicate).
    public func recordFirstReceipt(consumer: String, messageId: String, on connection: PostgresConnection) throws -> Bool {
        let inserted = try connection.execute("""
            INSERT INTO \(PostgresIdentifier.quoted(schema)).inbox (consumer, message_id) VALUES ($1, $2)
            ON CONFLICT DO NOTHING
            """, [.text(consumer), .text(messageId)])
        return inserted == 1
    }

    /// Records the messages for `consumer` in one statement; returns the ids recorded now
    /// (those not in the inbox before). An id given twice is recorded once.
    public func recordFirstReceipts(consumer: String, messageIds: [String], on connection: PostgresConnection) throws -> Set<String> {
        guard !messageIds.isEmpty else { return [] }
        let rows = try connection.query("""
            INSERT INTO \(PostgresIdentifier.quoted(schema)).inbox (consumer, message_id)
            SELECT $1, id FROM unnest($2::text[]) AS received(id)
            ON CONFLICT DO NOTHING
            RETURNING message_id
            """, [.text(consumer), .text(PostgresArrayLiteral.text(messageIds))])
        return Set(try rows.map { try $0["message_id"].decode(String.self) })
    }
}
