import Foundation
import Postgres

/// The notification schema's requests, deliveries and attempts as the operators' tool
/// reads them. The queries live beside the service's migrations so the tool names none of
/// its tables; each runs on the caller's connection, inside its transaction.
public struct DeliveryRecords: Sendable {
    public let schema: String

    public init(schema: String = "notification") {
        self.schema = schema
    }

    private var prefix: String { PostgresIdentifier.quoted(schema) }

    /// Whether the service has created its tables: a cluster where it never started
    /// still answers a case lookup, without deliveries.
    public func isMigrated(on connection: PostgresConnection) throws -> Bool {
        try connection.query("SELECT to_regclass($1) IS NOT NULL AS present", [.text("\(prefix).delivery_attempts")])[0]["present"].decode()
    }

    /// Every delivery of an alert about the case, with its number of attempts.
    public func deliveries(caseId: UUID, on connection: PostgresConnection) throws -> [CaseDelivery] {
        try connection.query("""
            SELECT d.id, q.referral_id, q.agency, q.step, q.kind, d.recipient_id, rc.role, d.channel, d.status, d.created_at,
                   (SELECT count(*) FROM \(prefix).delivery_attempts a WHERE a.delivery_id = d.id) AS attempts
            FROM \(prefix).deliveries d
            JOIN \(prefix).requests q ON q.delivery_key = d.delivery_key
            JOIN \(prefix).recipients rc ON rc.id = d.recipient_id
            WHERE q.case_id = $1
            """, [.uuid(caseId)]
        ).map { row in
            CaseDelivery(
                id: try row["id"].decode(), referralId: try row["referral_id"].decodeIfPresent(), agency: try row["agency"].decodeIfPresent(),
                step: try row["step"].decodeIfPresent(), kind: try row["kind"].decode(), recipientId: try row["recipient_id"].decode(),
                recipientRole: try row["role"].decode(), channel: try row["channel"].decode(), status: try row["status"].decode(),
                createdAt: try row["created_at"].decode(), attempts: Int(try row["attempts"].decode(Int64.self)))
        }
    }

    /// Every attempt at a delivery about the case, in the order they finished.
    public func attempts(caseId: UUID, on connection: PostgresConnection) throws -> [DeliveryAttemptRecord] {
        try connection.query("""
            SELECT a.delivery_id, a.attempt, a.finished_at, a.result, a.response_code
            FROM \(prefix).delivery_attempts a
            JOIN \(prefix).deliveries d ON d.id = a.delivery_id
            JOIN \(prefix).requests q ON q.delivery_key = d.delivery_key
            WHERE q.case_id = $1 ORDER BY a.finished_at, a.id
            """, [.uuid(caseId)]
        ).map { row in
            DeliveryAttemptRecord(
                deliveryId: try row["delivery_id"].decode(), attempt: try row["attempt"].decode(), finishedAt: try row["finished_at"].decode(),
                result: try row["result"].decode(), responseCode: try row["response_code"].decodeIfPresent())
        }
    }

    /// The deliveries recorded as sent for alerts about these referrals: id and channel.
    public func sent(referralIds: [UUID], on connection: PostgresConnection) throws -> [(id: UUID, channel: String)] {
        try connection.query("""
            SELECT d.id, d.channel FROM \(prefix).deliveries d JOIN \(prefix).requests q USING (delivery_key)
            WHERE d.status = 'sent' AND q.referral_id = ANY($1::uuid[])
            """, [.uuidArray(referralIds)]
        ).map { (try $0["id"].decode(UUID.self), try $0["channel"].decode(String.self)) }
    }

    /// How many deliveries for alerts about these referrals are due and not yet made.
    public func dueCount(referralIds: [UUID], on connection: PostgresConnection) throws -> Int {
        Int(try connection.query("""
            SELECT count(*) FROM \(prefix).deliveries d JOIN \(prefix).requests q USING (delivery_key)
            WHERE d.status = 'pending' AND d.due_at <= now() AND q.referral_id = ANY($1::uuid[])
            """, [.uuidArray(referralIds)])[0][0].decode(Int64.self))
    }

}
