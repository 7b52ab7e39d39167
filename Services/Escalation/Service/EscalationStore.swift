import Contract
import EscalationDomain
import EscalationOperations
import Foundation
import Postgres

/// The escalation schema's reads and writes. The schema is a parameter so tests run
/// against a throwaway one.
struct EscalationStore: Sendable {
    let schema: String

    var prefix: String { PostgresIdentifier.quoted(schema) }

    // MARK: - Referral events

    /// Records the event and keeps the referral's latest state and deadlines. An `issued`
    /// event that arrives after a later one does not move the status back. Returns whether
    /// this was the first event of the referral.
    @discardableResult
    func record(_ event: ReferralEvent, on connection: PostgresConnection) throws -> Bool {
        try record([event], on: connection).contains(event.referralId)
    }

    /// Records events of distinct referrals in one statement, as `record(_:on:)` does
    /// each; returns the referrals whose first event this was.
    func record(_ events: [ReferralEvent], on connection: PostgresConnection) throws -> Set<UUID> {
        guard !events.isEmpty else { return [] }
        func timestamps(_ dates: [Date?]) throws -> PostgresValue {
            .text(try PostgresArrayLiteral.timestamps(dates))
        }
        let rows = try connection.query("""
            WITH event AS (
                SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[],
                                     $7::timestamptz[], $8::text[], $9::timestamptz[])
                    AS e(referral_id, case_id, agency, kind, issued_at, acknowledge_by, due_by, person_initials, at)
            ), recorded AS (
                INSERT INTO \(prefix).referral_events (referral_id, kind, at) SELECT referral_id, kind, at FROM event
            )
            INSERT INTO \(prefix).referrals
                (referral_id, case_id, agency, status, issued_at, acknowledge_by, due_by, person_initials)
            SELECT referral_id, case_id, agency, kind, issued_at, acknowledge_by, due_by, person_initials FROM event
            ON CONFLICT (referral_id) DO UPDATE SET
                status = CASE WHEN EXCLUDED.status = 'issued' THEN \(prefix).referrals.status ELSE EXCLUDED.status END,
                issued_at = COALESCE(EXCLUDED.issued_at, \(prefix).referrals.issued_at),
                acknowledge_by = COALESCE(EXCLUDED.acknowledge_by, \(prefix).referrals.acknowledge_by),
                due_by = COALESCE(EXCLUDED.due_by, \(prefix).referrals.due_by),
                person_initials = COALESCE(EXCLUDED.person_initials, \(prefix).referrals.person_initials),
                updated_at = now()
            RETURNING referral_id, (xmax = 0) AS first_event
            """, [
                .text(PostgresArrayLiteral.text(events.map { $0.referralId.uuidString.lowercased() })),
                .text(PostgresArrayLiteral.text(events.map { $0.caseId.uuidString.lowercased() })),
                .text(PostgresArrayLiteral.text(events.map(\.agency))),
                .text(PostgresArrayLiteral.text(events.map(\.kind.rawValue))),
                try timestamps(events.map(\.issuedAt)), try timestamps(events.map(\.acknowledgeBy)), try timestamps(events.map(\.dueBy)),
                .text(PostgresArrayLiteral.text(events.map(\.personInitials))),
                .text(try PostgresArrayLiteral.timestamps(events.map(\.at))),
            ])
        var first = Set<UUID>()
        for row in rows where try row["first_event"].decode(Bool.self) {
            first.insert(try row["referral_id"].decode())
        }
        return first
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
    /// the timers when the transaction commits. Returns how many steps were new: 0 when
    /// the ladder was stored before.
    func storeLadder(_ steps: [PlannedStep], for event: ReferralEvent, on connection: PostgresConnection) throws -> Int {
        try storeLadders([(event, steps)], on: connection).count
    }

    /// Stores the ladders of several referrals in one statement; returns the referral of
    /// each new step.
    func storeLadders(_ ladders: [(event: ReferralEvent, steps: [PlannedStep])], on connection: PostgresConnection) throws -> [UUID] {
        let rows = ladders.flatMap { ladder in ladder.steps.map { (event: ladder.event, step: $0) } }
        guard !rows.isEmpty else { return [] }
        let inserted = try connection.query("""
            INSERT INTO \(prefix).ladder_steps
                (referral_id, step, moment, deadline, audiences, cancelled_by, agency, case_id, person_initials)
            SELECT referral_id, step, moment, deadline, audiences::text[], cancelled_by::text[], agency, case_id, person_initials
            FROM unnest($1::uuid[], $2::int[], $3::timestamptz[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::uuid[], $9::text[])
                AS planned(referral_id, step, moment, deadline, audiences, cancelled_by, agency, case_id, person_initials)
            ON CONFLICT (referral_id, step) DO NOTHING
            RETURNING referral_id
            """, [
                .text(PostgresArrayLiteral.text(rows.map { $0.event.referralId.uuidString.lowercased() })),
                .text(PostgresArrayLiteral.text(rows.map { String($0.step.step) })),
                .text(try PostgresArrayLiteral.timestamps(rows.map(\.step.moment))),
                .text(try PostgresArrayLiteral.timestamps(rows.map(\.step.deadline))),
                .text(PostgresArrayLiteral.text(rows.map { Self.arrayLiteral($0.step.audiences.map(\.rawValue)) })),
                .text(PostgresArrayLiteral.text(rows.map { row in
                    Self.arrayLiteral(ReferralEvent.Kind.allCases.filter(row.step.cancelledBy.contains).map(\.rawValue))
                })),
                .text(PostgresArrayLiteral.text(rows.map(\.event.agency))),
                .text(PostgresArrayLiteral.text(rows.map { $0.event.caseId.uuidString.lowercased() })),
                .text(PostgresArrayLiteral.text(rows.map(\.event.personInitials))),
            ]).map { row in try row["referral_id"].decode(UUID.self) }
        if !inserted.isEmpty {
            try connection.notifyOnCommit(channel: EscalationChannels.steps)
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
