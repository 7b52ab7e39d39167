import Foundation
import Postgres
import ReferralDomain

/// Reads referral records through the referral service's read view `referral_records_v1`
/// (first acknowledgement and completion as the cluster recorded them, and initials).
enum ReferralRecordSource {
    /// Referrals issued in [`from`, `until`), optionally of one agency.
    static func issued(from: Date, until: Date, agency: String?, on connection: PostgresConnection) throws -> [ReferralRecord] {
        try connection.query(
            select + " WHERE r.issued_at >= $1 AND r.issued_at < $2 AND ($3::text IS NULL OR r.agency = $3)",
            [.timestamp(from), .timestamp(until), PostgresValue(agency)]
        ).map(record)
    }

    /// Referrals still open (neither completed nor declined), optionally of one agency.
    static func open(agency: String?, on connection: PostgresConnection) throws -> [ReferralRecord] {
        try connection.query(
            select + " WHERE r.status IN ('issued', 'acknowledged', 'in-progress') AND ($1::text IS NULL OR r.agency = $1)",
            [PostgresValue(agency)]
        ).map(record)
    }

    /// Referrals whose completion the cluster recorded at or after `since`.
    static func completed(since: Date, on connection: PostgresConnection) throws -> [ReferralRecord] {
        try connection.query(select + " WHERE r.status = 'completed' AND r.completed_at >= $1", [.timestamp(since)]).map(record)
    }

    private static let select = """
        SELECT r.referral_id, r.case_id, r.agency, r.status, r.issued_at, r.acknowledge_by, r.due_by,
               r.acknowledged_at, r.completed_at, r.person_initials,
               r.extensions_requested, r.extensions_granted, r.extensions_refused
        FROM referral.referral_records_v1 r
        """

    private static func record(_ row: PostgresRow) throws -> ReferralRecord {
        let statusText: String = try row["status"].decode()
        guard let status = ReferralStatus(rawValue: statusText) else {
            throw PostgresError(kind: .decoding, context: "column \"status\" is not a referral status")
        }
        return ReferralRecord(
            referralId: try row["referral_id"].decode(), caseId: try row["case_id"].decode(), agency: try row["agency"].decode(),
            status: status, issuedAt: try row["issued_at"].decode(), acknowledgeBy: try row["acknowledge_by"].decode(),
            dueBy: try row["due_by"].decode(), acknowledgedAt: try row["acknowledged_at"].decodeIfPresent(),
            completedAt: try row["completed_at"].decodeIfPresent(), extensionsRequested: try row["extensions_requested"].decode(),
            extensionsGranted: try row["extensions_granted"].decode(), extensionsRefused: try row["extensions_refused"].decode(),
            personInitials: try row["person_initials"].decodeIfPresent())
    }
}
