import Foundation
import Postgres

/// The directory entries, requests and deliveries of one `reintegrationctl bench
/// notification` run: focal points of an agency code of the run only (so no other alert
/// resolves to them), alerts whose delivery keys share the run's prefix, all removed
/// afterwards.
public struct NotificationBenchRows: Sendable {
    public let schema: String
    /// The run's agency code.
    public let agency: String
    /// What every delivery key of the run starts with.
    public let deliveryKeyPrefix: String

    public init(schema: String = "notification", agency: String, deliveryKeyPrefix: String) {
        self.schema = schema
        self.agency = agency
        self.deliveryKeyPrefix = deliveryKeyPrefix
    }

    private var prefix: String { PostgresIdentifier.quoted(schema) }
    /// The run's keys; the prefix is the tool's own `bench:<hex>:`, free of LIKE wildcards.
    private var keys: PostgresValue { .text(deliveryKeyPrefix + "%") }

    /// Adds a focal point of the run's agency, alerted by email only.
    public func addFocalPoint(id: UUID, name: String, email: String, language: String, on connection: PostgresConnection) throws {
        try connection.execute("""
            INSERT INTO \(prefix).recipients (id, name, role, agencies, email, language)
            VALUES ($1, $2, 'focal-point', ARRAY[$5], $3, $4)
            """, [.uuid(id), .text(name), .text(email), .text(language), .text(agency)])
    }

    /// How many of the run's deliveries the relay accepted.
    public func sentCount(on connection: PostgresConnection) throws -> Int {
        Int(try connection.query(
            "SELECT count(*) FROM \(prefix).deliveries WHERE delivery_key LIKE $1 AND status = 'sent'", [keys]
        )[0][0].decode(Int64.self))
    }

    /// Each of the run's deliveries: when the relay accepted it and when its alert was
    /// requested (Unix seconds).
    public func timings(on connection: PostgresConnection) throws -> [(sentAt: Double, requestedAt: Double)] {
        try connection.query("""
            SELECT extract(epoch FROM d.sent_at)::float8 AS sent,
                   extract(epoch FROM (r.request->>'requestedAt')::timestamptz)::float8 AS requested
            FROM \(prefix).deliveries d JOIN \(prefix).requests r USING (delivery_key)
            WHERE d.delivery_key LIKE $1
            """, [keys]
        ).map { row in (try row["sent"].decode(Double.self), try row["requested"].decode(Double.self)) }
    }

    /// Removes the run's deliveries with their attempts, its requests, and the focal points
    /// `recipients` with their circuits. Run it in a transaction: the tables stay locked
    /// until it ends, so the service cannot record an attempt for a row being removed.
    public func remove(recipients: [UUID], on connection: PostgresConnection) throws {
        try connection.execute("LOCK TABLE \(prefix).deliveries, \(prefix).delivery_attempts IN EXCLUSIVE MODE")
        for id in recipients {
            try connection.execute("""
                DELETE FROM \(prefix).delivery_attempts
                WHERE delivery_id IN (SELECT id FROM \(prefix).deliveries WHERE recipient_id = $1)
                """, [.uuid(id)])
            try connection.execute("DELETE FROM \(prefix).deliveries WHERE recipient_id = $1", [.uuid(id)])
        }
        try connection.execute("DELETE FROM \(prefix).requests WHERE delivery_key LIKE $1", [keys])
        for id in recipients {
            try connection.execute("DELETE FROM \(prefix).endpoint_circuits WHERE recipient_id = $1", [.uuid(id)])
            try connection.execute("DELETE FROM \(prefix).recipients WHERE id = $1", [.uuid(id)])
        }
    }
}
