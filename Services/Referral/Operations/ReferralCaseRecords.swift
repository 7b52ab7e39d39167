import Contract
import Foundation
import Postgres

/// The referral schema's cases, referrals and histories as the operators' tool reads them
/// (a case lookup, the fault drill's reconciliation, the pipeline bench). The queries live
/// beside the service's migrations so the tool names none of its tables; those over many
/// cases or referrals take the ids as one array parameter, so a large drill stays a few
/// statements. Each runs on the caller's connection, inside its transaction.
public struct ReferralCaseRecords: Sendable {
    public let schema: String

    public init(schema: String = "referral") {
        self.schema = schema
    }

    private var prefix: String { PostgresIdentifier.quoted(schema) }

    // MARK: - Which parts exist

    /// Whether the service has created its tables: a cluster where it never started still
    /// answers a case lookup, without referrals.
    public func isMigrated(on connection: PostgresConnection) throws -> Bool {
        try hasTable("status_history", on: connection)
    }

    /// Whether the schema has the deadline history (migration 5).
    public func recordsDeadlines(on connection: PostgresConnection) throws -> Bool {
        try hasTable("deadline_history", on: connection)
    }

    private func hasTable(_ table: String, on connection: PostgresConnection) throws -> Bool {
        try connection.query("SELECT to_regclass($1) IS NOT NULL AS present", [.text("\(prefix).\(table)")])[0]["present"].decode()
    }

    // MARK: - Cases

    /// The person's initials from the case as routed, cut in SQL so no other personal field
    /// leaves the database: nil when the service holds no such case (or no person in it),
    /// empty when the person has no name.
    public func personInitials(caseId: UUID, on connection: PostgresConnection) throws -> String? {
        try connection.query("""
            SELECT \(PersonDetails.initialsSQL(ofPersonJSON: "case_event->'person'")) AS initials
            FROM \(prefix).cases WHERE case_id = $1 AND case_event->'person' IS NOT NULL
            """, [.uuid(caseId)]).first.flatMap { row in try row["initials"].decodeIfPresent() }
    }

    /// When the case's referrals were released after consent came; nil when it was never held.
    public func releasedAt(caseId: UUID, on connection: PostgresConnection) throws -> Date? {
        try connection.query("SELECT released_at FROM \(prefix).cases WHERE case_id = $1", [.uuid(caseId)])
            .first.flatMap { row in try row["released_at"].decodeIfPresent() }
    }

    /// The case-opened event as the service received it, by case id, for the cases it holds.
    public func caseEvents(caseIds: [UUID], on connection: PostgresConnection) throws -> [UUID: [UInt8]] {
        var events: [UUID: [UInt8]] = [:]
        for row in try connection.query(
            "SELECT case_id, case_event::text AS event FROM \(prefix).cases WHERE case_id = ANY($1::uuid[])", [.uuidArray(caseIds)]) {
            events[try row["case_id"].decode()] = Array(try row["event"].decode(String.self).utf8)
        }
        return events
    }

    // MARK: - Referrals and their histories

    /// The referrals of these cases, by agency.
    public func referrals(caseIds: [UUID], on connection: PostgresConnection) throws -> [CaseReferral] {
        try connection.query("""
            SELECT referral_id, case_id, agency, status, issued_at, acknowledge_by, due_by
            FROM \(prefix).referrals WHERE case_id = ANY($1::uuid[]) ORDER BY agency
            """, [.uuidArray(caseIds)]
        ).map { row in
            CaseReferral(
                referralId: try row["referral_id"].decode(), caseId: try row["case_id"].decode(), agency: try row["agency"].decode(),
                status: try row["status"].decode(), issuedAt: try row["issued_at"].decode(), acknowledgeBy: try row["acknowledge_by"].decode(),
                dueBy: try row["due_by"].decode())
        }
    }

    /// These referrals' status histories, in the order they were recorded.
    public func statusChanges(referralIds: [UUID], on connection: PostgresConnection) throws -> [ReferralStatusChange] {
        try connection.query("""
            SELECT h.referral_id, r.agency, h.from_status, h.to_status, h.recorded_at, h.actor, h.message_id
            FROM \(prefix).status_history h JOIN \(prefix).referrals r ON r.referral_id = h.referral_id
            WHERE h.referral_id = ANY($1::uuid[]) ORDER BY h.recorded_at, h.id
            """, [.uuidArray(referralIds)]
        ).map { row in
            ReferralStatusChange(
                referralId: try row["referral_id"].decode(), agency: try row["agency"].decode(), fromStatus: try row["from_status"].decodeIfPresent(),
                toStatus: try row["to_status"].decode(), recordedAt: try row["recorded_at"].decode(), actor: try row["actor"].decode(),
                messageId: try row["message_id"].decodeIfPresent())
        }
    }

    /// These referrals' deadline histories, in the order they were recorded.
    public func deadlineChanges(referralIds: [UUID], on connection: PostgresConnection) throws -> [DeadlineChange] {
        try connection.query("""
            SELECT h.referral_id, r.agency, h.event, h.from_due_by, h.to_due_by, h.actor, h.recorded_at, h.extension_request_id
            FROM \(prefix).deadline_history h JOIN \(prefix).referrals r ON r.referral_id = h.referral_id
            WHERE h.referral_id = ANY($1::uuid[]) ORDER BY h.recorded_at, h.id
            """, [.uuidArray(referralIds)]
        ).map { row in
            DeadlineChange(
                referralId: try row["referral_id"].decode(), agency: try row["agency"].decode(), event: try row["event"].decode(),
                fromDueBy: try row["from_due_by"].decode(), toDueBy: try row["to_due_by"].decode(), actor: try row["actor"].decode(),
                recordedAt: try row["recorded_at"].decode(), extensionRequestId: try row["extension_request_id"].decode())
        }
    }

    /// Status updates refused since `start` that carried a message id: message id → reason.
    public func refusedUpdates(since start: Date, on connection: PostgresConnection) throws -> [String: String] {
        var refused: [String: String] = [:]
        for row in try connection.query(
            "SELECT message_id, reason FROM \(prefix).refusals WHERE message_id IS NOT NULL AND refused_at >= $1", [.timestamp(start)]) {
            refused[try row["message_id"].decode()] = try row["reason"].decode()
        }
        return refused
    }

    /// How many referral messages the broker confirmed since `start`, whatever their case:
    /// an index range on `published_at`, cheap enough to poll while a benchmark runs
    /// (`confirmations` joins the whole outbox, and is for reading once).
    public func confirmedReferralMessages(since start: Date, on connection: PostgresConnection) throws -> Int {
        try connection.query(
            "SELECT count(*) FROM \(prefix).outbox WHERE published_at >= $1 AND message_id LIKE 'referral:%'", [.timestamp(start)]
        )[0][0].decode(Int.self)
    }

    /// For each of these cases with a confirmed referral message: how many of its referral
    /// messages the broker confirmed to the outbox, and when the last was. A referral's
    /// message id is `referral:<referral id>` in lowercase, as `CaseEventHandler` writes it
    /// (and as PostgreSQL writes a uuid as text).
    public func confirmations(caseIds: [UUID], on connection: PostgresConnection) throws -> [ReferralConfirmation] {
        try connection.query("""
            SELECT r.case_id, count(*) AS confirmed, max(o.published_at) AS last_confirmed
            FROM \(prefix).referrals r JOIN \(prefix).outbox o ON o.message_id = 'referral:' || r.referral_id::text
            WHERE r.case_id = ANY($1::uuid[]) AND o.published_at IS NOT NULL
            GROUP BY r.case_id
            """, [.uuidArray(caseIds)]
        ).map { row in
            ReferralConfirmation(
                caseId: try row["case_id"].decode(), confirmed: Int(try row["confirmed"].decode(Int64.self)),
                lastConfirmedAt: try row["last_confirmed"].decode())
        }
    }
}
