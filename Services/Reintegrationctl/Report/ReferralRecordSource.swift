import Foundation
import Postgres
import ReferralDomain

/// Reads referral records from the referral service's schema.
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

    // `due_by` is the deadline in force: an approved extension moves it.
    // The first acknowledgement is the first update that shows the agency had the referral;
    // recorded_at rather than the agency's reported_at, as the escalation ladder sees it.
    private static let select = """
        SELECT r.referral_id, r.case_id, r.agency, r.status, r.issued_at, r.acknowledge_by, r.due_by,
               (SELECT min(h.recorded_at) FROM referral.status_history h
                 WHERE h.referral_id = r.referral_id AND h.to_status IN ('acknowledged', 'in-progress', 'completed')) AS acknowledged_at,
               (SELECT min(h.recorded_at) FROM referral.status_history h
                 WHERE h.referral_id = r.referral_id AND h.to_status = 'completed') AS completed_at,
               e.requested, e.granted, e.refused
        FROM referral.referrals r
        LEFT JOIN LATERAL (
            SELECT count(*) AS requested, count(*) FILTER (WHERE x.decision = 'approved') AS granted,
                   count(*) FILTER (WHERE x.decision = 'refused') AS refused
            FROM referral.extension_requests x WHERE x.referral_id = r.referral_id) e ON true
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
            completedAt: try row["completed_at"].decodeIfPresent(), extensionsRequested: try row["requested"].decode(),
            extensionsGranted: try row["granted"].decode(), extensionsRefused: try row["refused"].decode())
    }
}
