import Contract
import Foundation
import NotificationDomain
import Postgres

/// SQL for the directory, deliveries, attempts and circuits of one notification schema.
struct DeliveryStore: Sendable {
    let schema: String

    private var prefix: String { PostgresIdentifier.quoted(schema) }

    /// The active people `request`'s audiences may address, in a stable order: only those
    /// rows are read, and never a webhook secret (planning needs none).
    func directory(for request: NotificationRequest, on connection: PostgresConnection) throws -> [Recipient] {
        let roles = AudienceResolver.roles(for: request.audiences)
        return try connection.query("""
            SELECT id, name, role, array_to_json(agencies) AS agencies, email, webhook_url, language, active
            FROM \(prefix).recipients
            WHERE active AND (role = ANY($1::text[]) OR (role = ANY($2::text[]) AND $3::text = ANY(agencies)))
            ORDER BY created_at, id
            """, [
                .text("{" + roles.anyAgency.map(\.rawValue).joined(separator: ",") + "}"),
                .text("{" + roles.ofAgency.map(\.rawValue).joined(separator: ",") + "}"), PostgresValue(request.agency),
            ]).map { row in
            let webhookURL: String? = try row["webhook_url"].decodeIfPresent()
            return Recipient(
                id: try row["id"].decode(), name: try row["name"].decode(),
                role: try Self.decodeEnum(RecipientRole.self, row["role"]),
                agencies: try JSONDecoder().decode([String].self, from: Data(try row["agencies"].decode(String.self).utf8)),
                email: try row["email"].decode(), webhookURL: webhookURL,
                // The secret stays in the table; the worker reads it when it signs.
                webhookSecret: nil,
                language: try Self.decodeEnum(AlertLanguage.self, row["language"]), active: try row["active"].decode())
        }
    }

    /// Creates one pending delivery per target, due at `dueAt`; existing ones stay as they are.
    /// - Returns: how many were created.
    func createDeliveries(key: String, targets: [DeliveryTarget], dueAt: Date, on connection: PostgresConnection) throws -> Int {
        var created = 0
        for target in targets {
            created += try connection.execute("""
                INSERT INTO \(prefix).deliveries (id, delivery_key, recipient_id, channel, due_at)
                VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (delivery_key, recipient_id, channel) DO NOTHING
                """, [.uuid(UUID()), .text(key), .uuid(target.recipientId), .text(target.channel.rawValue), .timestamp(dueAt)])
        }
        return created
    }

    /// Leases up to `limit` due deliveries whose endpoint is not paused, skipping rows
    /// other workers hold (`FOR UPDATE SKIP LOCKED`); an expired lease is claimed again.
    func claim(limit: Int, lease: Duration, on connection: PostgresConnection) throws -> [ClaimedDelivery] {
        let rows = try connection.query("""
            WITH due AS (
                SELECT d.id FROM \(prefix).deliveries d
                WHERE d.status = 'pending' AND d.due_at <= now()
                  AND (d.leased_until IS NULL OR d.leased_until < now())
                  AND NOT EXISTS (
                      SELECT 1 FROM \(prefix).endpoint_circuits c
                      WHERE c.recipient_id = d.recipient_id AND c.channel = d.channel AND c.open_until > now())
                ORDER BY d.due_at
                LIMIT $1
                FOR UPDATE OF d SKIP LOCKED
            )
            UPDATE \(prefix).deliveries d
            SET leased_until = now() + make_interval(secs => $2)
            FROM due, \(prefix).requests r, \(prefix).recipients p
            WHERE d.id = due.id AND r.delivery_key = d.delivery_key AND p.id = d.recipient_id
            RETURNING d.id, d.channel, d.attempts, d.due_at,
                COALESCE((SELECT min(a.started_at) FROM \(prefix).delivery_attempts a WHERE a.delivery_id = d.id), now())
                    AS first_attempt_at, r.request::text AS request,
                p.id AS recipient_id, p.active, p.email, p.webhook_url, p.webhook_secret, p.language
            """, [.int(Int64(limit)), .double(Double(lease.components.seconds))])
        return try rows.map { row in
            ClaimedDelivery(
                id: try row["id"].decode(), channel: try Self.decodeEnum(DeliveryChannel.self, row["channel"]),
                previousAttempts: try row["attempts"].decode(), firstAttemptAt: try row["first_attempt_at"].decode(),
                dueAt: try row["due_at"].decode(),
                request: try ContractCoding.decode(NotificationRequest.self, from: Array(try row["request"].decode(String.self).utf8)),
                recipientId: try row["recipient_id"].decode(), recipientActive: try row["active"].decode(),
                email: try row["email"].decode(), webhookURL: try row["webhook_url"].decodeIfPresent(),
                webhookSecret: try row["webhook_secret"].decodeIfPresent(),
                language: try Self.decodeEnum(AlertLanguage.self, row["language"]))
        }
    }

    /// Records one attempt and updates its delivery: `sent`, rescheduled at `retryAt`, or
    /// `failed` when `retryAt` is nil after a failure. Also counts the endpoint's failures.
    /// - Returns: the endpoint's pause end when this failure opened its circuit.
    func record(
        _ result: AttemptResult, for delivery: ClaimedDelivery, startedAt: Date, finishedAt: Date, retryAt: Date?,
        circuit: CircuitBreakerPolicy, on connection: PostgresConnection
    ) throws -> Date? {
        let attempt = delivery.previousAttempts + 1
        var errorText: String?
        if case .failed(_, _, let error) = result { errorText = error }
        try connection.execute("""
            INSERT INTO \(prefix).delivery_attempts (delivery_id, attempt, channel, started_at, finished_at, result, response_code, error)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """, [
                .uuid(delivery.id), .int(Int64(attempt)), .text(delivery.channel.rawValue), .timestamp(startedAt),
                .timestamp(finishedAt), .text(result.label), result.responseCode.map { .int(Int64($0)) } ?? .null,
                PostgresValue(errorText),
            ])
        switch result {
        case .sent:
            try connection.execute("""
                UPDATE \(prefix).deliveries SET status = 'sent', attempts = $2, sent_at = $3, leased_until = NULL, last_error = NULL
                WHERE id = $1
                """, [.uuid(delivery.id), .int(Int64(attempt)), .timestamp(finishedAt)])
            try connection.execute("""
                DELETE FROM \(prefix).endpoint_circuits WHERE recipient_id = $1 AND channel = $2
                """, [.uuid(delivery.recipientId), .text(delivery.channel.rawValue)])
            return nil
        case .failed(_, _, let error):
            if let retryAt {
                try connection.execute("""
                    UPDATE \(prefix).deliveries SET attempts = $2, due_at = $3, leased_until = NULL, last_error = $4 WHERE id = $1
                    """, [.uuid(delivery.id), .int(Int64(attempt)), .timestamp(retryAt), .text(error)])
            } else {
                try connection.execute("""
                    UPDATE \(prefix).deliveries
                    SET status = 'failed', attempts = $2, failed_at = $3, leased_until = NULL, last_error = $4 WHERE id = $1
                    """, [.uuid(delivery.id), .int(Int64(attempt)), .timestamp(finishedAt), .text(error)])
            }
            let failures = try connection.query("""
                INSERT INTO \(prefix).endpoint_circuits (recipient_id, channel, consecutive_failures, updated_at)
                VALUES ($1, $2, 1, now())
                ON CONFLICT (recipient_id, channel)
                DO UPDATE SET consecutive_failures = endpoint_circuits.consecutive_failures + 1, updated_at = now()
                RETURNING consecutive_failures
                """, [.uuid(delivery.recipientId), .text(delivery.channel.rawValue)])
            let count: Int = try failures.first?["consecutive_failures"].decode() ?? 0
            guard let openUntil = circuit.openUntil(consecutiveFailures: count, now: finishedAt) else { return nil }
            // The pause starts a fresh count: the next failure after it reopens at once.
            try connection.execute("""
                UPDATE \(prefix).endpoint_circuits SET open_until = $3, consecutive_failures = $4
                WHERE recipient_id = $1 AND channel = $2
                """, [.uuid(delivery.recipientId), .text(delivery.channel.rawValue), .timestamp(openUntil), .int(Int64(circuit.failureThreshold - 1))])
            return openUntil
        }
    }

    /// Closes a delivery whose recipient was deactivated after it was planned.
    func cancel(_ delivery: ClaimedDelivery, on connection: PostgresConnection) throws {
        try connection.execute("""
            UPDATE \(prefix).deliveries SET status = 'cancelled', leased_until = NULL, last_error = 'recipient inactive'
            WHERE id = $1
            """, [.uuid(delivery.id)])
    }

    /// Open circuits and the age of the oldest due delivery, for metrics.
    func backlog(on connection: PostgresConnection) throws -> (openCircuits: Int, lagSeconds: Double) {
        let row = try connection.query("""
            SELECT (SELECT count(*) FROM \(prefix).endpoint_circuits WHERE open_until > now()) AS open_circuits,
                   (SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(due_at)), 0)::float8 FROM \(prefix).deliveries
                    WHERE status = 'pending' AND due_at <= now()) AS lag
            """)
        guard let first = row.first else { return (0, 0) }
        return (try first["open_circuits"].decode(), try first["lag"].decode())
    }

    private static func decodeEnum<T: RawRepresentable>(_: T.Type, _ cell: PostgresCell) throws -> T where T.RawValue == String {
        let text: String = try cell.decode()
        guard let value = T(rawValue: text) else {
            throw PostgresError(kind: .decoding, context: "column \"\(cell.column)\" is not a known \(T.self)")
        }
        return value
    }
}
