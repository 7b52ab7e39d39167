import Foundation
import NotificationDomain
import Postgres

/// The circuits of one notification schema: `shared_circuits` for endpoints many
/// deliveries share (the SMTP relay, each webhook receiver's host; see `CircuitName`) and
/// `endpoint_circuits` for one person's mailbox or webhook.
struct CircuitStore: Sendable {
    let schema: String

    private var prefix: String { PostgresIdentifier.quoted(schema) }

    /// What an attempt did to a shared circuit.
    enum Change: Sendable, Equatable {
        case none
        /// The circuit opened, or its probe failed: the next probe is at this instant.
        case open(circuit: String, nextProbe: Date)
        /// The endpoint answered: the circuit closed and its deliveries go now.
        case closed(circuit: String)
    }

    /// Counts a failed `result` against the circuit its site names. Any answer from a
    /// shared endpoint (a refusal of one person too) closes that endpoint's circuit; a
    /// success closes its circuits with the attempt's record (`DeliveryStore.recordSent`).
    /// - Returns: what changed on the shared circuit, and until when the person is paused
    ///   when this refusal paused them.
    func note(
        _ result: AttemptResult, for delivery: ClaimedDelivery, policy: CircuitBreakerPolicy, now: Date,
        on connection: PostgresConnection
    ) throws -> (shared: Change, personPausedUntil: Date?) {
        switch result {
        case .sent:
            return (.none, nil)
        case .failed(_, .relay, _, let error), .failed(_, .receiver, _, let error):
            return (try open(delivery, policy: policy, now: now, error: error, on: connection), nil)
        case .failed(_, .recipient, _, _):
            let closed = try close(delivery, on: connection)
            return (closed, try countAgainstPerson(delivery, policy: policy, now: now, on: connection))
        case .failed(_, .alert, _, _), .notAttempted:
            try releaseProbe(of: delivery, on: connection)
            return (.none, nil)
        }
    }

    private func close(_ delivery: ClaimedDelivery, on connection: PostgresConnection) throws -> Change {
        guard let circuit = delivery.circuit else { return .none }
        let removed = try connection.execute("DELETE FROM \(prefix).shared_circuits WHERE circuit = $1", [.text(circuit)])
        return removed > 0 ? .closed(circuit: circuit) : .none
    }

    private func open(
        _ delivery: ClaimedDelivery, policy: CircuitBreakerPolicy, now: Date, error: String, on connection: PostgresConnection
    ) throws -> Change {
        guard let circuit = delivery.circuit else { return .none }
        let first = now.addingTimeInterval(RetryPolicy.seconds(policy.probeDelay(afterFailures: 1)))
        let opened = try connection.execute("""
            INSERT INTO \(prefix).shared_circuits (circuit, failures, open_until, last_error) VALUES ($1, 1, $2, $3)
            ON CONFLICT (circuit) DO NOTHING
            """, [.text(circuit), .timestamp(first), .text(error)])
        if opened > 0 { return .open(circuit: circuit, nextProbe: first) }
        // Already open: only its probe's failure moves the next probe on; sends that
        // started before it opened change nothing.
        guard delivery.isProbe else { return .none }
        let failures: Int = try connection.query("""
            UPDATE \(prefix).shared_circuits SET failures = failures + 1, last_error = $2, updated_at = now()
            WHERE circuit = $1 RETURNING failures
            """, [.text(circuit), .text(error)]).first?["failures"].decode() ?? 1
        let next = now.addingTimeInterval(RetryPolicy.seconds(policy.probeDelay(afterFailures: failures)))
        try connection.execute(
            "UPDATE \(prefix).shared_circuits SET open_until = $2 WHERE circuit = $1", [.text(circuit), .timestamp(next)])
        return .open(circuit: circuit, nextProbe: next)
    }

    /// Counts a refusal against the person's own endpoint; pauses it at the threshold.
    private func countAgainstPerson(
        _ delivery: ClaimedDelivery, policy: CircuitBreakerPolicy, now: Date, on connection: PostgresConnection
    ) throws -> Date? {
        let failures = try connection.query("""
            INSERT INTO \(prefix).endpoint_circuits (recipient_id, channel, consecutive_failures, updated_at)
            VALUES ($1, $2, 1, now())
            ON CONFLICT (recipient_id, channel)
            DO UPDATE SET consecutive_failures = endpoint_circuits.consecutive_failures + 1, updated_at = now()
            RETURNING consecutive_failures
            """, [.uuid(delivery.recipientId), .text(delivery.channel.rawValue)])
        let count: Int = try failures.first?["consecutive_failures"].decode() ?? 0
        guard let openUntil = policy.openUntil(consecutiveFailures: count, now: now) else { return nil }
        // The pause starts a fresh count: the next failure after it reopens at once.
        try connection.execute("""
            UPDATE \(prefix).endpoint_circuits SET open_until = $3, consecutive_failures = $4
            WHERE recipient_id = $1 AND channel = $2
            """, [.uuid(delivery.recipientId), .text(delivery.channel.rawValue), .timestamp(openUntil),
                  .int(Int64(policy.failureThreshold - 1))])
        return openUntil
    }

    /// Gives back a probe that never ran, so another worker probes at once.
    func releaseProbe(of delivery: ClaimedDelivery, on connection: PostgresConnection) throws {
        guard delivery.isProbe, let circuit = delivery.circuit else { return }
        try connection.execute("UPDATE \(prefix).shared_circuits SET open_until = now() WHERE circuit = $1", [.text(circuit)])
    }

    /// The shared circuits open now (waiting for or running a probe) that this instance
    /// sends through (its `relay`, webhook hosts), by name, and how many people's endpoints
    /// are paused.
    func open(relay: String, on connection: PostgresConnection) throws -> (shared: [String], people: Int) {
        let shared: [String] = try connection.query("""
            SELECT circuit FROM \(prefix).shared_circuits WHERE circuit = $1 OR circuit LIKE 'webhook:%' ORDER BY circuit
            """, [.text(relay)]).map { try $0["circuit"].decode() }
        let people: Int = try connection.query(
            "SELECT count(*) AS n FROM \(prefix).endpoint_circuits WHERE open_until > now()").first?["n"].decode() ?? 0
        return (shared, people)
    }
}
