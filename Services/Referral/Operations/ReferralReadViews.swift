import Foundation
import Postgres
import ReferralDomain

/// The referral schema's versioned read views (`referral_records_v1`,
/// `pending_extensions_v1`), the only part of it the reporting role may read: the
/// operators' report, overdue list and dashboard go through here.
public struct ReferralReadViews: Sendable {
    public let schema: String

    public init(schema: String = "referral") {
        self.schema = schema
    }

    private var prefix: String { PostgresIdentifier.quoted(schema) }

    /// Referrals issued in [`from`, `until`), optionally of one agency.
    public func issued(from: Date, until: Date, agency: String?, on connection: PostgresConnection) throws -> [ReferralRecord] {
        try connection.query(
            selectRecords + " WHERE r.issued_at >= $1 AND r.issued_at < $2 AND ($3::text IS NULL OR r.agency = $3)",
            [.timestamp(from), .timestamp(until), PostgresValue(agency)]
        ).map(Self.record)
    }

    /// Referrals still open (neither completed nor declined), optionally of one agency.
    public func open(agency: String?, on connection: PostgresConnection) throws -> [ReferralRecord] {
        try connection.query(
            selectRecords + " WHERE r.status IN ('issued', 'acknowledged', 'in-progress') AND ($1::text IS NULL OR r.agency = $1)",
            [PostgresValue(agency)]
        ).map(Self.record)
    }

    /// Referrals whose completion the cluster recorded at or after `since`.
    public func completed(since: Date, on connection: PostgresConnection) throws -> [ReferralRecord] {
        try connection.query(selectRecords + " WHERE r.status = 'completed' AND r.completed_at >= $1", [.timestamp(since)]).map(Self.record)
    }

    /// The extension requests waiting for a decision, the oldest first.
    public func pendingExtensions(on connection: PostgresConnection) throws -> [PendingExtensionRequest] {
        try connection.query("""
            SELECT request_id, agency, referral_id, case_id, requested_due_by::text AS requested_due_by, due_by, requested_at
            FROM \(prefix).pending_extensions_v1 ORDER BY requested_at, request_id
            """).map { row in
            PendingExtensionRequest(
                requestId: try row["request_id"].decode(), referralId: try row["referral_id"].decode(), caseId: try row["case_id"].decode(),
                agency: try row["agency"].decode(), requestedDueBy: try row["requested_due_by"].decode(), dueBy: try row["due_by"].decode(),
                requestedAt: try row["requested_at"].decode())
        }
    }

    private var selectRecords: String {
        """
        SELECT r.referral_id, r.case_id, r.agency, r.status, r.issued_at, r.acknowledge_by, r.due_by,
               r.acknowledged_at, r.completed_at, r.person_initials,
               r.extensions_requested, r.extensions_granted, r.extensions_refused
        FROM \(prefix).referral_records_v1 r
        """
    }

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
