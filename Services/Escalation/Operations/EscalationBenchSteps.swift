import Foundation
import Postgres

/// Synthetic ladder steps for `reintegrationctl bench escalation`: seeded under one agency
/// code that no real referral has, fired by the running service like any other step,
/// and removed afterwards (a step left behind would fire for real later).
public struct EscalationBenchSteps: Sendable {
    public let schema: String
    /// The agency every seeded step and its escalation event carry.
    public let agency: String

    public init(schema: String = "escalation", agency: String = "bench") {
        self.schema = schema
        self.agency = agency
    }

    private var prefix: String { PostgresIdentifier.quoted(schema) }

    /// Seeds `count` pending step-1 rows due at `moment`, each for a referral and case of its own.
    public func seed(count: Int, dueAt moment: Date, on connection: PostgresConnection) throws {
        try connection.execute("""
            INSERT INTO \(prefix).ladder_steps
                (referral_id, step, moment, deadline, audiences, cancelled_by, agency, case_id, person_initials)
            SELECT gen_random_uuid(), 1, $2, $2, ARRAY['focal-points'], ARRAY['acknowledged'], $3, gen_random_uuid(), 'B. B.'
            FROM generate_series(1, $1)
            """, [.int(Int64(count)), .timestamp(moment), .text(agency)])
    }

    /// Refreshes the planner's statistics after a large seed, so the timer's scan of due
    /// steps keeps to its index.
    public func refreshStatistics(on connection: PostgresConnection) throws {
        try connection.execute("ANALYZE \(prefix).ladder_steps")
    }

    /// Wakes the service's timer, which otherwise would see the new steps only at its next scan.
    public func wakeTimer(on connection: PostgresConnection) throws {
        try connection.execute("SELECT pg_notify($1, '')", [.text(EscalationChannels.steps)])
    }

    /// How many of the seeded steps have fired.
    public func firedCount(on connection: PostgresConnection) throws -> Int {
        Int(try connection.query("SELECT count(*) FROM \(prefix).escalation_events WHERE agency = $1", [.text(agency)])[0][0].decode(Int64.self))
    }

    /// Each fired seeded step: how late it fired (milliseconds) and when (Unix seconds).
    public func firings(on connection: PostgresConnection) throws -> [(lateMilliseconds: Double, firedAt: Double)] {
        try connection.query("""
            SELECT extract(epoch FROM delay)::float8 * 1000 AS ms, extract(epoch FROM fired_at)::float8 AS fired
            FROM \(prefix).escalation_events WHERE agency = $1
            """, [.text(agency)]
        ).map { (try $0["ms"].decode(Double.self), try $0["fired"].decode(Double.self)) }
    }

    /// Removes every seeded step and the escalation events they fired.
    public func remove(on connection: PostgresConnection) throws {
        try connection.execute("DELETE FROM \(prefix).escalation_events WHERE agency = $1", [.text(agency)])
        try connection.execute("DELETE FROM \(prefix).ladder_steps WHERE agency = $1", [.text(agency)])
    }
}
