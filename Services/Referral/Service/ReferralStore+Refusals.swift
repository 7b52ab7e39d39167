import Postgres

extension ReferralStore {
    /// The reason and detail a status update was refused with, when it was.
    struct RecordedRefusal: Sendable {
        var reason: String
        var detail: String
    }

    /// How the message `messageId` from `userId` was refused, or nil when it was not.
    func refusal(messageId: String, userId: String?, on connection: PostgresConnection) throws -> RecordedRefusal? {
        let rows = try connection.query("""
            SELECT reason, detail FROM \(PostgresIdentifier.quoted(schema)).refusals
            WHERE message_id = $1 AND user_id IS NOT DISTINCT FROM $2
            ORDER BY id LIMIT 1
            """, [.text(messageId), PostgresValue(userId)])
        guard let row = rows.first else { return nil }
        return RecordedRefusal(reason: try row["reason"].decode(), detail: try row["detail"].decode())
    }
}
