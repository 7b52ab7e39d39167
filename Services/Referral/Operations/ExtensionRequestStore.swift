import AMQP
import Contract
import Foundation
import Messaging
import Postgres
import ReferralDomain
import WorkingCalendar

/// The referral schema's extension requests (contract v1.1, item 8): the service records
/// agencies' requests, the operators' tool lists them and records the secretariat's
/// decisions. Both go through here, so the schema's SQL stays with the referral service.
///
/// Every write runs in the caller's transaction; a decision's outgoing messages go to the
/// service's outbox in that transaction, and its relay (woken by NOTIFY) publishes them.
public struct ExtensionRequestStore: Sendable {
    public let schema: String
    /// Local dates are days in this calendar's zone (Asia/Baku).
    public let calendar: WorkingCalendar

    public init(schema: String = "referral", calendar: WorkingCalendar = WorkingCalendar()) {
        self.schema = schema
        self.calendar = calendar
    }

    private var prefix: String { PostgresIdentifier.quoted(schema) }
    private var outbox: Outbox { Outbox(schema: schema) }

    // MARK: - Requests

    /// The referral, locked until the transaction ends (requests and decisions on one
    /// referral take their turn), or nil when there is none.
    public func lockedReferral(_ referralId: UUID, on connection: PostgresConnection) throws -> ExtensionReferral? {
        let rows = try connection.query("""
            SELECT r.referral_id, r.case_id, r.agency, r.status, r.due_by, c.case_event::text AS case_event
            FROM \(prefix).referrals r JOIN \(prefix).cases c USING (case_id)
            WHERE r.referral_id = $1
            FOR UPDATE OF r
            """, [.uuid(referralId)])
        guard let row = rows.first, let status = ReferralStatus(rawValue: try row["status"].decode()) else { return nil }
        let event = try? ContractCoding.decode(CaseOpened.self, from: Array(try row["case_event"].decode(String.self).utf8))
        return ExtensionReferral(
            referralId: try row["referral_id"].decode(), caseId: try row["case_id"].decode(), agency: try row["agency"].decode(),
            status: status, dueBy: try row["due_by"].decode(), personInitials: event?.person.initials)
    }

    /// The date of the referral's request waiting for a decision, if any.
    public func pendingDate(of referralId: UUID, on connection: PostgresConnection) throws -> CivilDay? {
        try connection.query(
            "SELECT requested_due_by::text AS day FROM \(prefix).extension_requests WHERE referral_id = $1 AND decision IS NULL",
            [.uuid(referralId)]
        ).first.flatMap { row in CivilDay(try row["day"].decode(String.self)) }
    }

    /// Records an agency's request and its history entry; returns the request's id.
    public func record(
        _ request: ExtensionRequest, for referral: ExtensionReferral, actor: String, messageId: String, on connection: PostgresConnection
    ) throws -> Int64 {
        let rows = try connection.query("""
            INSERT INTO \(prefix).extension_requests
                (referral_id, due_by_before, requested_due_by, note, officer, message_id, requested_at)
            VALUES ($1, $2, $3::date, $4, $5, $6, $7)
            RETURNING id
            """, [
                .uuid(referral.referralId), .timestamp(referral.dueBy), .text(request.requestedDueBy.description), .text(request.note),
                PostgresValue(request.officer), .text(messageId), .timestamp(request.at),
            ])
        let id: Int64 = try rows[0]["id"].decode()
        try recordHistory(
            referralId: referral.referralId, requestId: id, event: "extension-requested", from: referral.dueBy,
            to: calendar.endOfDay(request.requestedDueBy), actor: actor, officer: request.officer, note: request.note, on: connection)
        return id
    }

    /// The requests waiting for a decision, oldest first; with `includeDecided`, the
    /// decided ones too.
    public func requests(includeDecided: Bool, on connection: PostgresConnection) throws -> [ExtensionRequestRecord] {
        try connection.query("""
            SELECT e.id, e.referral_id, r.case_id, r.agency, r.status, r.due_by, e.due_by_before,
                   e.requested_due_by::text AS requested_due_by, e.note, e.officer, e.requested_at, e.decision,
                   e.decided_by, e.decision_note, e.granted_due_by, e.decided_at
            FROM \(prefix).extension_requests e JOIN \(prefix).referrals r USING (referral_id)
            WHERE $1 OR e.decision IS NULL
            ORDER BY e.requested_at, e.id
            """, [.bool(includeDecided)]
        ).map { row in
            let dueByBefore: Date = try row["due_by_before"].decode()
            let requested = CivilDay(try row["requested_due_by"].decode(String.self))
            return ExtensionRequestRecord(
                id: try row["id"].decode(), referralId: try row["referral_id"].decode(), caseId: try row["case_id"].decode(),
                agency: try row["agency"].decode(), status: try row["status"].decode(), dueBy: try row["due_by"].decode(),
                dueByBefore: dueByBefore, requestedDueBy: requested ?? calendar.localDay(of: dueByBefore),
                note: try row["note"].decode(), officer: try row["officer"].decodeIfPresent(), requestedAt: try row["requested_at"].decode(),
                decision: try row["decision"].decodeIfPresent(), decidedBy: try row["decided_by"].decodeIfPresent(),
                decisionNote: try row["decision_note"].decodeIfPresent(), grantedDueBy: try row["granted_due_by"].decodeIfPresent(),
                decidedAt: try row["decided_at"].decodeIfPresent())
        }
    }

    /// Withdraws the referral's request still waiting for a decision, if any, because the
    /// referral has just become `status` (completed or declined): no deadline is left to
    /// move. In the caller's transaction, which holds the referral's row lock, with its
    /// history entry (`extension-withdrawn`, the deadline unchanged, by `actor`). The agency
    /// is sent nothing: it closed the referral itself. Returns the request's id.
    public func withdrawPending(
        of referralId: UUID, closedAs status: ReferralStatus, actor: String, on connection: PostgresConnection
    ) throws -> Int64? {
        try connection.query("""
            WITH withdrawn AS (
                UPDATE \(prefix).extension_requests
                SET decision = 'withdrawn', decided_by = $2, decision_note = $3, decided_at = now()
                WHERE referral_id = $1 AND decision IS NULL
                RETURNING id, referral_id
            )
            INSERT INTO \(prefix).deadline_history
                (referral_id, extension_request_id, event, from_due_by, to_due_by, actor, note)
            SELECT w.referral_id, w.id, 'extension-withdrawn', r.due_by, r.due_by, $2, $3
            FROM withdrawn w JOIN \(prefix).referrals r USING (referral_id)
            RETURNING extension_request_id
            """, [.uuid(referralId), .text(actor), .text(Self.withdrawalNote(closedAs: status))]
        ).first.map { row in try row["extension_request_id"].decode(Int64.self) }
    }

    /// Why a request was withdrawn, recorded as its decision's note.
    public static func withdrawalNote(closedAs status: ReferralStatus) -> String {
        "referral \(status.rawValue) before a decision"
    }

    // MARK: - Decisions

    /// Records the secretariat's decision on request `requestId`, in the caller's
    /// transaction: the request's row, the referral's `dueBy` on approval, the history
    /// entry, and in the outbox `referral-updated.v1` to the agency's queue and, on
    /// approval, `referral.deadline-changed` for the escalation service.
    ///
    /// Exactly once: deciders of one referral take its row lock in turn, and the request
    /// is updated only while undecided; whoever comes second gets `alreadyDecided`.
    public func decide(
        _ decision: ExtensionDecision, requestId: Int64, at decidedAt: Date, on connection: PostgresConnection
    ) throws -> ExtensionDecisionOutcome {
        if let problem = decision.problem { throw ExtensionDecisionError.invalidDecision(problem) }
        guard let referralId = try connection.query(
            "SELECT referral_id FROM \(prefix).extension_requests WHERE id = $1", [.int(requestId)]
        ).first.map({ row in try row["referral_id"].decode(UUID.self) }) else {
            throw ExtensionDecisionError.notFound(requestId: requestId)
        }
        guard let referral = try lockedReferral(referralId, on: connection) else {
            throw ExtensionDecisionError.notFound(requestId: requestId)
        }
        // Read after the lock: a decision committed meanwhile is seen here.
        let request = try connection.query("""
            SELECT requested_due_by::text AS requested_due_by, decision, decided_by
            FROM \(prefix).extension_requests WHERE id = $1
            """, [.int(requestId)])[0]
        if let earlier: String = try request["decision"].decodeIfPresent() {
            throw ExtensionDecisionError.alreadyDecided(
                requestId: requestId, decision: earlier, decidedBy: try request["decided_by"].decodeIfPresent() ?? "-")
        }
        let dueByAfter: Date
        let name: String
        switch decision.verdict {
        case .approve(let other):
            guard referral.status.isOpen else {
                throw ExtensionDecisionError.referralClosed(requestId: requestId, status: referral.status.rawValue)
            }
            let asked = CivilDay(try request["requested_due_by"].decode(String.self))
            guard let granted = other ?? asked, granted > calendar.localDay(of: referral.dueBy) else {
                throw ExtensionDecisionError.dateNotLater(requestId: requestId, currentDueBy: calendar.localDay(of: referral.dueBy).description)
            }
            dueByAfter = calendar.endOfDay(granted)
            name = "approved"
        case .refuse:
            dueByAfter = referral.dueBy
            name = "refused"
        }
        let updated = try connection.execute("""
            UPDATE \(prefix).extension_requests
            SET decision = $2, decided_by = $3, decision_note = $4, granted_due_by = $5, decided_at = $6
            WHERE id = $1 AND decision IS NULL
            """, [
                .int(requestId), .text(name), .text(decision.decidedBy), .text(decision.note),
                name == "approved" ? .timestamp(dueByAfter) : .null, .timestamp(decidedAt),
            ])
        guard updated == 1 else {
            throw ExtensionDecisionError.alreadyDecided(requestId: requestId, decision: "decided", decidedBy: "-")
        }
        if name == "approved" {
            try connection.execute(
                "UPDATE \(prefix).referrals SET due_by = $2, updated_at = now() WHERE referral_id = $1",
                [.uuid(referralId), .timestamp(dueByAfter)])
        }
        try recordHistory(
            referralId: referralId, requestId: requestId, event: "extension-\(name)", from: referral.dueBy, to: dueByAfter,
            actor: decision.decidedBy, officer: nil, note: decision.note, on: connection)
        try outbox.enqueue(contentsOf: try messages(for: referral, requestId: requestId, dueBy: dueByAfter, decision: decision, at: decidedAt), on: connection)
        return ExtensionDecisionOutcome(
            requestId: requestId, referralId: referralId, agency: referral.agency, decision: name, dueByBefore: referral.dueBy,
            dueByAfter: dueByAfter)
    }

    /// `referral-updated.v1` to the agency, and on approval the internal event that makes
    /// the escalation service plan the ladder's remaining steps again.
    private func messages(
        for referral: ExtensionReferral, requestId: Int64, dueBy: Date, decision: ExtensionDecision, at decidedAt: Date
    ) throws -> [OutgoingMessage] {
        let approved = decision.verdict != .refuse
        let update = ReferralUpdated(
            referralId: referral.referralId, dueBy: dueBy, reason: approved ? .extensionApproved : .extensionRefused, note: decision.note)
        var messages = [
            OutgoingMessage(
                exchange: ExchangeName.referrals, routingKey: referral.agency,
                properties: .persistentJSON(messageId: "referral-updated:extension-\(requestId)", type: MessageType.referralUpdated),
                body: try ContractCoding.encode(update)),
        ]
        if approved {
            let event = ReferralEvent(
                kind: .deadlineChanged, referralId: referral.referralId, caseId: referral.caseId, agency: referral.agency, at: decidedAt,
                dueBy: dueBy)
            messages.append(OutgoingMessage(
                exchange: ExchangeName.clusterEvents, routingKey: EventRoutingKey.referral(.deadlineChanged),
                properties: .persistentJSON(messageId: "referral-deadline-changed:extension-\(requestId)", type: MessageType.referralEvent),
                body: try ContractCoding.encode(event)))
        }
        return messages
    }

    private func recordHistory(
        referralId: UUID, requestId: Int64, event: String, from: Date, to: Date, actor: String, officer: String?, note: String,
        on connection: PostgresConnection
    ) throws {
        try connection.execute("""
            INSERT INTO \(prefix).deadline_history
                (referral_id, extension_request_id, event, from_due_by, to_due_by, actor, officer, note)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """, [
                .uuid(referralId), .int(requestId), .text(event), .timestamp(from), .timestamp(to), .text(actor), PostgresValue(officer),
                .text(note),
            ])
    }
}
