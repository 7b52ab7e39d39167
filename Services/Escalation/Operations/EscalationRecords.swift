import Foundation
import Postgres

/// The escalation schema's ladders and fired steps as the operators' tool reads them. The
/// queries live beside the service's migrations so the tool names none of its tables;
/// each runs on the caller's connection, inside its transaction.
public struct EscalationRecords: Sendable {
    public let schema: String

    public init(schema: String = "escalation") {
        self.schema = schema
    }

    private var prefix: String { PostgresIdentifier.quoted(schema) }

    /// Whether the service has created its tables: a cluster where it never started
    /// still answers a case lookup, without escalations.
    public func isMigrated(on connection: PostgresConnection) throws -> Bool {
        try connection.query("SELECT to_regclass($1) IS NOT NULL AS present", [.text("\(prefix).escalation_events")])[0]["present"].decode()
    }

    /// The steps fired for the case's referrals, in firing order.
    public func fired(caseId: UUID, on connection: PostgresConnection) throws -> [FiredEscalation] {
        try connection.query("""
            SELECT referral_id, agency, step, array_to_string(audiences, ',') AS audiences, planned_moment, fired_at, late,
                   extract(epoch FROM delay)::float8 AS delay_seconds
            FROM \(prefix).escalation_events WHERE case_id = $1 ORDER BY fired_at, id
            """, [.uuid(caseId)]
        ).map { row in
            FiredEscalation(
                referralId: try row["referral_id"].decode(), agency: try row["agency"].decode(), step: try row["step"].decode(),
                audiences: (try row["audiences"].decode(String.self)).split(separator: ",").map(String.init),
                plannedMoment: try row["planned_moment"].decode(), firedAt: try row["fired_at"].decode(), late: try row["late"].decode(),
                delaySeconds: try row["delay_seconds"].decode())
        }
    }

    /// How many steps fired for these referrals, and how many (referral, step) pairs fired twice.
    public func firedCount(referralIds: [UUID], on connection: PostgresConnection) throws -> FiredStepCount {
        let row = try connection.query("""
            SELECT count(*) AS fired, count(*) - count(DISTINCT (referral_id, step)) AS twice FROM \(prefix).escalation_events
            WHERE referral_id = ANY($1::uuid[])
            """, [.uuidArray(referralIds)])[0]
        return FiredStepCount(fired: Int(try row["fired"].decode(Int64.self)), firedTwice: Int(try row["twice"].decode(Int64.self)))
    }

    /// How many of these referrals' steps are due (their moment passed) and not fired yet.
    public func dueStepCount(referralIds: [UUID], on connection: PostgresConnection) throws -> Int {
        Int(try connection.query("""
            SELECT count(*) FROM \(prefix).ladder_steps
            WHERE state = 'pending' AND moment <= now() AND referral_id = ANY($1::uuid[])
            """, [.uuidArray(referralIds)])[0][0].decode(Int64.self))
    }

}
