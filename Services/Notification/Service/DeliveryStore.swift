import Contract
import Foundation
import NotificationDomain
import Postgres

/// SQL for the directory, deliveries and attempts of one notification schema.
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
        guard !targets.isEmpty else { return 0 }
        // One statement for all of them, whatever their number.
        return try connection.execute("""
            INSERT INTO \(prefix).deliveries (id, delivery_key, recipient_id, channel, due_at)
            SELECT target.id, $2, target.recipient_id, target.channel, $5
            FROM unnest($1::uuid[], $3::uuid[], $4::text[]) AS target(id, recipient_id, channel)
            ON CONFLICT (delivery_key, recipient_id, channel) DO NOTHING
            """, [
                .uuidArray(targets.map { _ in UUID() }), .text(key), .uuidArray(targets.map(\.recipientId)),
                .text(PostgresArrayLiteral.text(targets.map(\.channel.rawValue))), .timestamp(dueAt),
            ])
    }

    /// The circuit of a delivery's shared endpoint, in SQL over `d` (deliveries), `p`
    /// (recipients) and `$3` (this instance's relay circuit): the relay for email,
    /// `webhook:<host>` for a webhook (host from the person's current URL), NULL when the
    /// webhook was removed.
    static let circuitExpression = """
        CASE d.channel WHEN 'email' THEN $3::text
            ELSE 'webhook:' || lower(substring(p.webhook_url FROM '^[A-Za-z][A-Za-z0-9+.-]*://(\\[[^]]*\\]|[^/?#:]*)')) END
        """

    /// Leases up to `limit` due deliveries, in the order they fell due, skipping rows other
    /// workers hold (`FOR UPDATE SKIP LOCKED`; an expired lease is claimed again), people
    /// whose endpoint is paused, and deliveries behind an open shared circuit. Of each
    /// circuit whose probe is due and that no other worker probes, the earliest delivery is
    /// leased too, as its probe; the circuit stays closed to others until the probe ends.
    /// `relay` names the circuit of the relay this instance sends email through.
    func claim(limit: Int, lease: Duration, relay: String, on connection: PostgresConnection) throws -> [ClaimedDelivery] {
        // Only this instance's relay and webhook hosts: another instance's relay is not ours to probe.
        let probing: [String] = try connection.query("""
            SELECT circuit FROM \(prefix).shared_circuits WHERE open_until <= now() AND (circuit = $1 OR circuit LIKE 'webhook:%')
            ORDER BY open_until FOR UPDATE SKIP LOCKED
            """, [.text(relay)]).map { try $0["circuit"].decode() }
        var claimed = try leaseDue(
            limit: limit, lease: lease, relay: relay,
            filter: "NOT EXISTS (SELECT 1 FROM \(prefix).shared_circuits s WHERE s.circuit = \(Self.circuitExpression))",
            on: connection)
        for circuit in probing {
            guard var probe = try leaseDue(
                limit: 1, lease: lease, relay: relay, filter: "\(Self.circuitExpression) = $4", [.text(circuit)], on: connection
            ).first
            else { continue }
            // Held for the probe's lease: a worker that dies mid-probe frees it then.
            try connection.execute("""
                UPDATE \(prefix).shared_circuits SET open_until = now() + make_interval(secs => $2), updated_at = now() WHERE circuit = $1
                """, [.text(circuit), .double(RetryPolicy.seconds(lease))])
            probe.isProbe = true
            claimed.append(probe)
        }
        return claimed.sorted { $0.dueAt < $1.dueAt }
    }

    private func leaseDue(
        limit: Int, lease: Duration, relay: String, filter: String, _ parameters: [PostgresValue] = [],
        on connection: PostgresConnection
    ) throws -> [ClaimedDelivery] {
        let rows = try connection.query("""
            WITH due AS (
                SELECT d.id FROM \(prefix).deliveries d JOIN \(prefix).recipients p ON p.id = d.recipient_id
                WHERE d.status = 'pending' AND d.due_at <= now()
                  AND (d.leased_until IS NULL OR d.leased_until < now())
                  AND NOT EXISTS (
                      SELECT 1 FROM \(prefix).endpoint_circuits c
                      WHERE c.recipient_id = d.recipient_id AND c.channel = d.channel AND c.open_until > now())
                  AND \(filter)
                ORDER BY d.due_at, d.id
                LIMIT $1
                FOR UPDATE OF d SKIP LOCKED
            )
            UPDATE \(prefix).deliveries d
            SET leased_until = now() + make_interval(secs => $2)
            FROM due, \(prefix).requests r, \(prefix).recipients p
            WHERE d.id = due.id AND r.delivery_key = d.delivery_key AND p.id = d.recipient_id
            RETURNING d.id, d.channel, d.attempts, d.held_attempts, d.due_at, d.sending_since, \(Self.circuitExpression) AS circuit,
                -- Only a delivery tried before has attempts to look at: most claims skip the subquery.
                CASE WHEN d.attempts = 0 THEN now()
                    ELSE COALESCE((SELECT min(a.started_at) FROM \(prefix).delivery_attempts a WHERE a.delivery_id = d.id), now())
                END AS first_attempt_at, r.request::text AS request,
                p.id AS recipient_id, p.active, p.email, p.webhook_url, p.webhook_secret, p.language
            """, [.int(Int64(limit)), .double(RetryPolicy.seconds(lease)), .text(relay)] + parameters)
        return try rows.map { row in
            ClaimedDelivery(
                id: try row["id"].decode(), channel: try Self.decodeEnum(DeliveryChannel.self, row["channel"]),
                previousAttempts: try row["attempts"].decode(), heldAttempts: try row["held_attempts"].decode(),
                firstAttemptAt: try row["first_attempt_at"].decode(), dueAt: try row["due_at"].decode(),
                inDoubtSince: try row["sending_since"].decodeIfPresent(), circuit: try row["circuit"].decodeIfPresent(),
                request: try ContractCoding.decode(NotificationRequest.self, from: Array(try row["request"].decode(String.self).utf8)),
                recipientId: try row["recipient_id"].decode(), recipientActive: try row["active"].decode(),
                email: try row["email"].decode(), webhookURL: try row["webhook_url"].decodeIfPresent(),
                webhookSecret: try row["webhook_secret"].decodeIfPresent(),
                language: try Self.decodeEnum(AlertLanguage.self, row["language"]))
        }
    }

    /// Notes, before the transfer starts, that the delivery is being handed over: if its
    /// outcome cannot be stored afterwards, the next worker knows it may have arrived.
    /// One statement: it needs no transaction of its own.
    func markSending(_ delivery: ClaimedDelivery, on connection: PostgresConnection) throws {
        try connection.execute("UPDATE \(prefix).deliveries SET sending_since = now() WHERE id = $1", [.uuid(delivery.id)])
    }

    /// Records a delivery's successful attempt in one statement (one round trip, atomic
    /// without a transaction): the attempt, the delivery sent, and the answer closing the
    /// person's endpoint circuit and the shared circuit it went through.
    /// - Returns: whether the shared circuit was open and is now closed.
    func recordSent(
        _ delivery: ClaimedDelivery, responseCode: Int, startedAt: Date, finishedAt: Date, on connection: PostgresConnection
    ) throws -> Bool {
        let attempt = delivery.previousAttempts + 1
        return try !connection.query("""
            WITH attempt AS (
                INSERT INTO \(prefix).delivery_attempts
                    (delivery_id, attempt, channel, started_at, finished_at, result, response_code, error)
                VALUES ($1, $2, $3, $4, $5, 'sent', $6, NULL)
            ), delivery AS (
                UPDATE \(prefix).deliveries
                SET status = 'sent', attempts = $2, sent_at = $5, leased_until = NULL, sending_since = NULL, last_error = NULL
                WHERE id = $1
            ), person AS (
                DELETE FROM \(prefix).endpoint_circuits WHERE recipient_id = $7 AND channel = $3
            )
            DELETE FROM \(prefix).shared_circuits WHERE circuit = $8 RETURNING circuit
            """, [
                .uuid(delivery.id), .int(Int64(attempt)), .text(delivery.channel.rawValue), .timestamp(startedAt),
                .timestamp(finishedAt), .int(Int64(responseCode)), .uuid(delivery.recipientId),
                PostgresValue(delivery.circuit),
            ]).isEmpty
    }

    /// Records one attempt and moves its delivery on as `outcome` says.
    func record(
        _ result: AttemptResult, outcome: DeliveryOutcome, for delivery: ClaimedDelivery, startedAt: Date, finishedAt: Date,
        on connection: PostgresConnection
    ) throws {
        let attempt = delivery.previousAttempts + 1
        var errorText: String?
        if case .failed(_, _, _, let error) = result { errorText = error }
        try insertAttempt(
            delivery, number: attempt, result: result.label, responseCode: result.responseCode, error: errorText,
            startedAt: startedAt, finishedAt: finishedAt, on: connection)
        let id = PostgresValue.uuid(delivery.id)
        switch outcome {
        case .sent:
            try connection.execute("""
                UPDATE \(prefix).deliveries
                SET status = 'sent', attempts = $2, sent_at = $3, leased_until = NULL, sending_since = NULL, last_error = NULL
                WHERE id = $1
                """, [id, .int(Int64(attempt)), .timestamp(finishedAt)])
        case .retry(let at):
            try connection.execute("""
                UPDATE \(prefix).deliveries
                SET attempts = $2, due_at = $3, leased_until = NULL, sending_since = NULL, last_error = $4 WHERE id = $1
                """, [id, .int(Int64(attempt)), .timestamp(at), PostgresValue(errorText)])
        case .waiting:
            // Still due, behind its circuit: it goes as soon as the endpoint is back, in its place.
            try connection.execute("""
                UPDATE \(prefix).deliveries
                SET attempts = $2, held_attempts = held_attempts + 1, leased_until = NULL, sending_since = NULL, last_error = $3
                WHERE id = $1
                """, [id, .int(Int64(attempt)), PostgresValue(errorText)])
        case .failed:
            try connection.execute("""
                UPDATE \(prefix).deliveries
                SET status = 'failed', attempts = $2, failed_at = $3, leased_until = NULL, sending_since = NULL, last_error = $4
                WHERE id = $1
                """, [id, .int(Int64(attempt)), .timestamp(finishedAt), PostgresValue(errorText)])
        }
    }

    /// Records that an earlier hand-over's outcome is unknown. An email is then closed as
    /// `unconfirmed` (it may have arrived: it is not sent again); a webhook stays pending and
    /// is posted again (receivers deduplicate on the delivery id), without using a retry.
    func recordInDoubt(_ delivery: ClaimedDelivery, since: Date, now: Date, on connection: PostgresConnection) throws {
        try insertAttempt(
            delivery, number: delivery.previousAttempts + 1, result: "unknown", responseCode: nil,
            error: "outcome not recorded (the worker stopped or the database failed after the hand-over)",
            startedAt: since, finishedAt: now, on: connection)
        let status = delivery.channel == .email ? "unconfirmed" : "pending"
        try connection.execute("""
            UPDATE \(prefix).deliveries
            SET status = $2, attempts = attempts + 1, held_attempts = held_attempts + 1, sending_since = NULL,
                leased_until = CASE WHEN $2 = 'pending' THEN leased_until END, last_error = 'outcome of an earlier attempt unknown'
            WHERE id = $1
            """, [.uuid(delivery.id), .text(status)])
    }

    private func insertAttempt(
        _ delivery: ClaimedDelivery, number: Int, result: String, responseCode: Int?, error: String?, startedAt: Date,
        finishedAt: Date, on connection: PostgresConnection
    ) throws {
        try connection.execute("""
            INSERT INTO \(prefix).delivery_attempts (delivery_id, attempt, channel, started_at, finished_at, result, response_code, error)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """, [
                .uuid(delivery.id), .int(Int64(number)), .text(delivery.channel.rawValue), .timestamp(startedAt),
                .timestamp(finishedAt), .text(result), responseCode.map { .int(Int64($0)) } ?? .null, PostgresValue(error),
            ])
    }

    /// Closes a delivery that has nobody to go to any more (`reason`: the person was
    /// deactivated, or their webhook removed). Not an attempt and not a failure.
    func cancel(_ delivery: ClaimedDelivery, reason: String, on connection: PostgresConnection) throws {
        try connection.execute("""
            UPDATE \(prefix).deliveries SET status = 'cancelled', leased_until = NULL, sending_since = NULL, last_error = $2
            WHERE id = $1
            """, [.uuid(delivery.id), .text(reason)])
    }

    /// Gives a delivery back untried (the service is stopping): no attempt is recorded.
    func release(_ delivery: ClaimedDelivery, on connection: PostgresConnection) throws {
        try connection.execute("""
            UPDATE \(prefix).deliveries SET leased_until = NULL, sending_since = NULL WHERE id = $1
            """, [.uuid(delivery.id)])
    }

    /// The age of the oldest due delivery, for metrics.
    func queueLag(on connection: PostgresConnection) throws -> Double {
        try connection.query("""
            SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(due_at)), 0)::float8 AS lag FROM \(prefix).deliveries
            WHERE status = 'pending' AND due_at <= now()
            """).first?["lag"].decode() ?? 0
    }

    private static func decodeEnum<T: RawRepresentable>(_: T.Type, _ cell: PostgresCell) throws -> T where T.RawValue == String {
        let text: String = try cell.decode()
        guard let value = T(rawValue: text) else {
            throw PostgresError(kind: .decoding, context: "column \"\(cell.column)\" is not a known \(T.self)")
        }
        return value
    }
}
