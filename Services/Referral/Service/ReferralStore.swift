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

    /// Stores the case; false when it was stored before.
    func storeCase(_ event: CaseOpened, body: [UInt8], on connection: PostgresConnection) throws -> Bool {
        try connection.execute("""
            INSERT INTO \(prefix).cases (case_id, awaiting_consent, case_event) VALUES ($1, $2, $3::jsonb)
            ON CONFLICT (case_id) DO NOTHING
            """, [.uuid(event.caseId), .bool(event.awaitingConsent), .json(String(decoding: body, as: UTF8.self))]) == 1
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

    /// Records an issued referral with its first history entry, in one statement; false
    /// when the case already has one for that agency.
    func insertReferral(_ message: ReferralMessage, on connection: PostgresConnection) throws -> Bool {
        try connection.execute("""
            WITH issued AS (
                INSERT INTO \(prefix).referrals (referral_id, case_id, agency, needs, status, issued_at, acknowledge_by, due_by)
                VALUES ($1, $2, $3, $4::text[], 'issued', $5, $6, $7)
                ON CONFLICT (case_id, agency) DO NOTHING
                RETURNING referral_id
            )
            INSERT INTO \(prefix).status_history (referral_id, from_status, to_status, reported_at, actor)
            SELECT referral_id, NULL, 'issued', $5, 'referral-service' FROM issued
            """, [
                .uuid(message.referralId), .uuid(message.caseId), .text(message.agency),
                .text("{" + message.needs.joined(separator: ",") + "}"), .timestamp(message.issuedAt),
                .timestamp(message.acknowledgeBy), .timestamp(message.dueBy),
            ]) == 1
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
