import Foundation
import Postgres

/// An agency's request for more time that the secretariat has not decided yet.
struct PendingExtension: Sendable, Equatable, Encodable {
    var requestId: Int
    var agency: String
    /// Lowercase, as the database writes them.
    var referralId: String
    var caseId: String
    /// The local date (Asia/Baku) the agency asked for, YYYY-MM-DD.
    var requestedDueBy: String
    /// The referral's due-by deadline in force now.
    var currentDueBy: Date
    var requestedAt: Date
    var note: String

    /// Reads the pending requests through the referral service's `pending_extensions_v1`,
    /// the oldest request first.
    static func all(on connection: PostgresConnection) throws -> [PendingExtension] {
        try connection.query("""
            SELECT request_id, agency, referral_id, case_id, requested_due_by::text AS requested_due_by, due_by, requested_at, note
            FROM referral.pending_extensions_v1 ORDER BY requested_at, request_id
            """).map { row in
            PendingExtension(
                requestId: try row["request_id"].decode(), agency: try row["agency"].decode(),
                referralId: OperatorTime.identifier(try row["referral_id"].decode()), caseId: OperatorTime.identifier(try row["case_id"].decode()),
                requestedDueBy: try row["requested_due_by"].decode(), currentDueBy: try row["due_by"].decode(),
                requestedAt: try row["requested_at"].decode(), note: try row["note"].decode())
        }
    }
}
