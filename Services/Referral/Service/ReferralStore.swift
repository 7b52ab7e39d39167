import Contract
import Foundation
import Postgres
import ReferralDomain

/// The referral schema's reads and writes, all inside the consumer's transaction.
struct ReferralStore: Sendable {
    let schema: String

    private var prefix: String { PostgresIdentifier.quoted(schema) }

    struct StoredReferral: Sendable {
        var referralId: UUID
        var caseId: UUID
        var agency: String
        var status: ReferralStatus
    }

    /// Stores the cases of `events` (with their bodies) in one statement.
    /// - Returns: the ids of those not stored before.
    func storeCases(_ events: [(event: CaseOpened, body: [UInt8])], on connection: PostgresConnection) throws -> Set<UUID> {
        guard !events.isEmpty else { return [] }
        return Set(try connection.query("""
            INSERT INTO \(prefix).cases (case_id, awaiting_consent, case_event)
            SELECT c.case_id, c.awaiting_consent, c.case_event::jsonb
            FROM unnest($1::uuid[], $2::bool[], $3::text[]) AS c(case_id, awaiting_consent, case_event)
            ON CONFLICT (case_id) DO NOTHING
            RETURNING case_id
            """, [
                .uuidArray(events.map(\.event.caseId)), .text(PostgresArrayLiteral.text(events.map { $0.event.awaitingConsent ? "t" : "f" })),
                .text(PostgresArrayLiteral.text(events.map { String(decoding: $0.body, as: UTF8.self) })),
            ]).map { try $0["case_id"].decode(UUID.self) })
    }

    /// Stores the case; false when it was stored before.
    func storeCase(_ event: CaseOpened, body: [UInt8], on connection: PostgresConnection) throws -> Bool {
        try storeCases([(event, body)], on: connection).contains(event.caseId)
    }

    /// The held case released by consent, or nil when unknown or not held.
    func releaseCase(_ caseId: UUID, on connection: PostgresConnection) throws -> CaseOpened? {
        let rows = try connection.query("""
            UPDATE \(prefix).cases SET awaiting_consent = false, released_at = now()
            WHERE case_id = $1 AND awaiting_consent
            RETURNING case_event::text AS case_event
            """, [.uuid(caseId)])
        guard let row = rows.first else { return nil }
        return try ContractCoding.decode(CaseOpened.self, from: Array(try row["case_event"].decode(String.self).utf8))
    }

    func caseExists(_ caseId: UUID, on connection: PostgresConnection) throws -> Bool {
        try !connection.query("SELECT 1 FROM \(prefix).cases WHERE case_id = $1", [.uuid(caseId)]).isEmpty
    }

    /// Keeps a consent release whose case has not arrived yet.
    func recordEarlyRelease(_ caseId: UUID, on connection: PostgresConnection) throws {
        try connection.execute(
            "INSERT INTO \(prefix).early_consent_releases (case_id) VALUES ($1) ON CONFLICT DO NOTHING", [.uuid(caseId)])
    }

    /// Whether a release for this case came before it (and forgets it: it is used now).
    func takeEarlyRelease(_ caseId: UUID, on connection: PostgresConnection) throws -> Bool {
        try connection.execute("DELETE FROM \(prefix).early_consent_releases WHERE case_id = $1", [.uuid(caseId)]) == 1
    }

    /// Records issued referrals with their first history entries, in one statement.
    /// - Returns: the ids of those recorded; a referral for a case and agency that already
    ///   has one is not.
    func insertReferrals(_ messages: [ReferralMessage], on connection: PostgresConnection) throws -> Set<UUID> {
        guard !messages.isEmpty else { return [] }
        // One statement for all of them, whatever their number, with their first history rows.
        return Set(try connection.query("""
            WITH issued AS (
                INSERT INTO \(prefix).referrals (referral_id, case_id, agency, needs, status, issued_at, acknowledge_by, due_by)
                SELECT r.referral_id, r.case_id, r.agency, r.needs::text[], 'issued', r.issued_at, r.acknowledge_by, r.due_by
                FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::timestamptz[])
                    AS r(referral_id, case_id, agency, needs, issued_at, acknowledge_by, due_by)
                ON CONFLICT (case_id, agency) DO NOTHING
                RETURNING referral_id, issued_at
            ), history AS (
                INSERT INTO \(prefix).status_history (referral_id, from_status, to_status, reported_at, actor)
                SELECT referral_id, NULL, 'issued', issued_at, 'referral-service' FROM issued
            )
            SELECT referral_id FROM issued
            """, [
                .uuidArray(messages.map(\.referralId)), .uuidArray(messages.map(\.caseId)),
                .text(PostgresArrayLiteral.text(messages.map(\.agency))),
                .text(PostgresArrayLiteral.text(messages.map { "{" + $0.needs.joined(separator: ",") + "}" })),
                .text(try PostgresArrayLiteral.timestamps(messages.map(\.issuedAt))),
                .text(try PostgresArrayLiteral.timestamps(messages.map(\.acknowledgeBy))),
                .text(try PostgresArrayLiteral.timestamps(messages.map(\.dueBy))),
            ]).map { try $0["referral_id"].decode(UUID.self) })
    }

    func referral(_ referralId: UUID, on connection: PostgresConnection) throws -> StoredReferral? {
        let rows = try connection.query(
            "SELECT referral_id, case_id, agency, status FROM \(prefix).referrals WHERE referral_id = $1 FOR UPDATE",
            [.uuid(referralId)])
        guard let row = rows.first else { return nil }
        guard let status = ReferralStatus(rawValue: try row["status"].decode()) else { return nil }
        return StoredReferral(
            referralId: try row["referral_id"].decode(), caseId: try row["case_id"].decode(), agency: try row["agency"].decode(),
            status: status)
    }

    func updateStatus(_ referral: StoredReferral, to update: StatusUpdate, actor: String, messageId: String?, on connection: PostgresConnection) throws {
        try connection.execute(
            "UPDATE \(prefix).referrals SET status = $2, updated_at = now() WHERE referral_id = $1",
            [.uuid(referral.referralId), .text(update.status.rawValue)])
        try recordHistory(
            referralId: referral.referralId, from: referral.status, to: update.status, reportedAt: update.at, actor: actor,
            officer: update.officer, note: update.note, messageId: messageId, on: connection)
    }

    private func recordHistory(
        referralId: UUID, from: ReferralStatus?, to: ReferralStatus, reportedAt: Date, actor: String, officer: String?, note: String?,
        messageId: String?, on connection: PostgresConnection
    ) throws {
        try connection.execute("""
            INSERT INTO \(prefix).status_history (referral_id, from_status, to_status, reported_at, actor, officer, note, message_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """, [
                .uuid(referralId), PostgresValue(from?.rawValue), .text(to.rawValue), .timestamp(reportedAt), .text(actor),
                PostgresValue(officer), PostgresValue(note), PostgresValue(messageId),
            ])
    }

    func recordRefusal(messageId: String?, userId: String?, referralId: String?, reason: RejectionReason, detail: String, on connection: PostgresConnection) throws {
        try connection.execute("""
            INSERT INTO \(prefix).refusals (message_id, user_id, referral_id, reason, detail) VALUES ($1, $2, $3, $4, $5)
            """, [PostgresValue(messageId), PostgresValue(userId), PostgresValue(referralId), .text(reason.rawValue), .text(detail)])
    }
}
