import Contract
import EscalationDomain
import Foundation
import Postgres

/// The escalation schema's reads and writes. The schema is a parameter so tests run
/// against a throwaway one.
struct EscalationStore: Sendable {
    /// The NOTIFY channel that wakes the ladder timers when steps are planned.
    static let stepsChannel = "escalation_steps"

    let schema: String

    var prefix: String { PostgresIdentifier.quoted(schema) }

    // MARK: - Referral events

    /// Records the event and keeps the referral's latest state and deadlines. An `issued`
    /// event that arrives after a later one does not move the status back.
    func record(_ event: ReferralEvent, on connection: PostgresConnection) throws {
        try connection.execute(
            "INSERT INTO \(prefix).referral_events (referral_id, kind, at) VALUES ($1, $2, $3)",
            [.uuid(event.referralId), .text(event.kind.rawValue), .timestamp(event.at)])
        try connection.execute("""
            INSERT INTO \(prefix).referrals
                (referral_id, case_id, agency, status, issued_at, acknowledge_by, due_by, person_initials)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (referral_id) DO UPDATE SET
                status = CASE WHEN EXCLUDED.status = 'issued' THEN \(prefix).referrals.status ELSE EXCLUDED.status END,
                issued_at = COALESCE(EXCLUDED.issued_at, \(prefix).referrals.issued_at),
                acknowledge_by = COALESCE(EXCLUDED.acknowledge_by, \(prefix).referrals.acknowledge_by),
                due_by = COALESCE(EXCLUDED.due_by, \(prefix).referrals.due_by),
                person_initials = COALESCE(EXCLUDED.person_initials, \(prefix).referrals.person_initials),
                updated_at = now()
            """, [
                .uuid(event.referralId), .uuid(event.caseId), .text(event.agency), .text(event.kind.rawValue),
                event.issuedAt.map(PostgresValue.timestamp) ?? .null, event.acknowledgeBy.map(PostgresValue.timestamp) ?? .null,
                event.dueBy.map(PostgresValue.timestamp) ?? .null, PostgresValue(event.personInitials),
            ])
    }

    /// The answers (events other than `issued` and `deadline-changed`) already recorded for
    /// a referral (they may come before its `issued` event after redeliveries).
    func recordedAnswers(for referralId: UUID, on connection: PostgresConnection) throws -> [ReferralEvent.Kind] {
        try connection.query(
            "SELECT DISTINCT kind FROM \(prefix).referral_events WHERE referral_id = $1 AND kind NOT IN ('issued', 'deadline-changed') ORDER BY kind",
            [.uuid(referralId)]
        ).compactMap { row in ReferralEvent.Kind(rawValue: try row["kind"].decode()) }
    }

    // MARK: - Ladders

    /// Stores a referral's planned ladder as pending steps (the policy snapshot) and wakes
    /// the timers. Returns how many steps were new: 0 when the ladder was stored before.
    func storeLadder(_ steps: [PlannedStep], for event: ReferralEvent, on connection: PostgresConnection) throws -> Int {
        var inserted = 0
        for step in steps {
            inserted += try connection.execute("""
                INSERT INTO \(prefix).ladder_steps
                    (referral_id, step, moment, deadline, audiences, cancelled_by, agency, case_id, person_initials)
                VALUES ($1, $2, $3, $4, $5::text[], $6::text[], $7, $8, $9)
                ON CONFLICT (referral_id, step) DO NOTHING
                """, [
                    .uuid(event.referralId), .int(Int64(step.step)), .timestamp(step.moment), .timestamp(step.deadline),
                    .text(Self.arrayLiteral(step.audiences.map(\.rawValue))),
                    .text(Self.arrayLiteral(ReferralEvent.Kind.allCases.filter(step.cancelledBy.contains).map(\.rawValue))),
                    .text(event.agency), .uuid(event.caseId), PostgresValue(event.personInitials),
                ])
        }
        if inserted > 0 {
            try connection.execute("SELECT pg_notify($1, '')", [.text(Self.stepsChannel)])
        }
        return inserted
    }

    /// Cancels the referral's pending steps that `kind` stops; returns the steps cancelled.
    /// A step being fired at the same moment is locked by the timer: this waits for it and
    /// then leaves it fired.
    func cancelPendingSteps(
        of referralId: UUID, by kind: ReferralEvent.Kind, on connection: PostgresConnection
    ) throws -> [Int] {
        try connection.query("""
            UPDATE \(prefix).ladder_steps SET state = 'cancelled', cancelled_at = now(), cancel_reason = $2
            WHERE referral_id = $1 AND state = 'pending' AND $2 = ANY (cancelled_by)
            RETURNING step
            """, [.uuid(referralId), .text(kind.rawValue)]
        ).map { row in try row["step"].decode(Int.self) }.sorted()
    }

    /// Claims up to `limit` due steps, oldest moment first, skipping those another timer
    /// holds; marks them fired and records an escalation event for each, all in the
    /// caller's transaction. Late means fired more than `DueStep.lateTolerance` after the moment.
    func fireDueSteps(limit: Int, on connection: PostgresConnection) throws -> [FiredStep] {
        try connection.query("""
            WITH due AS (
                SELECT referral_id, step FROM \(prefix).ladder_steps
                WHERE state = 'pending' AND moment <= now()
                ORDER BY moment
                LIMIT $1
                FOR UPDATE SKIP LOCKED
            ), fired AS (
                UPDATE \(prefix).ladder_steps AS s
                SET state = 'fired', fired_at = now(), lateness = now() - s.moment
                FROM due
                WHERE s.referral_id = due.referral_id AND s.step = due.step
                RETURNING s.referral_id, s.case_id, s.agency, s.step, s.moment, s.deadline, s.audiences,
                          s.person_initials, s.fired_at
            ), recorded AS (
                INSERT INTO \(prefix).escalation_events
                    (referral_id, case_id, agency, step, audiences, planned_moment, fired_at, late, delay, delivery_key)
                SELECT referral_id, case_id, agency, step, audiences, moment, fired_at,
                       fired_at - moment > make_interval(secs => $2), greatest(fired_at - moment, interval '0'),
                       'escalation:' || referral_id::text || ':' || step::text
                FROM fired
                ORDER BY moment, referral_id, step
            )
            -- `recorded` runs to completion unread; joining it back would cost a nested loop.
            SELECT referral_id, case_id, agency, step, moment, deadline,
                   array_to_string(audiences, ',') AS audiences, person_initials, fired_at,
                   fired_at - moment > make_interval(secs => $2) AS late
            FROM fired
            ORDER BY moment, referral_id, step
            """, [.int(Int64(limit)), .double(DueStep.lateTolerance)]
        ).map(FiredStep.init)
    }

    /// Seconds from now until the earliest pending moment (negative when a step is
    /// overdue), or nil when nothing is pending. Uses the partial index on pending moments.
    func secondsUntilNextMoment(on connection: PostgresConnection) throws -> Double? {
        try connection.query("""
            SELECT EXTRACT(EPOCH FROM min(moment) - clock_timestamp())::float8 AS seconds
            FROM \(prefix).ladder_steps WHERE state = 'pending'
            """
        ).first?["seconds"].decodeIfPresent(Double.self)
    }

    /// Referrals with at least one pending step.
    func openLadderCount(on connection: PostgresConnection) throws -> Int {
        try connection.query(
            "SELECT count(DISTINCT referral_id) AS open FROM \(prefix).ladder_steps WHERE state = 'pending'"
        ).first?["open"].decode(Int.self) ?? 0
    }

    /// `{a,b}`: a text[] literal of values that need no quoting (audiences and event kinds).
    private static func arrayLiteral(_ values: [String]) -> String {
        "{" + values.joined(separator: ",") + "}"
    }
}
