import Contract
import Foundation
import Postgres

/// Reads a case's dossier from the four services' schemas in one snapshot.
///
/// Only intake is required: the referral, escalation and notification parts are read when
/// their tables exist, so a cluster where a service never started still answers.
struct CaseDossierSource {
    let connection: PostgresConnection

    /// The cases the key names, oldest first (a FIN can name several readmissions).
    func dossiers(for key: CaseLookupKey) throws -> [CaseDossier] {
        let ids: [UUID] = try {
            switch key {
            case .caseId(let id):
                return try connection.query("SELECT id FROM intake.cases WHERE id = $1", [.uuid(id)]).map { try $0["id"].decode() }
            case .smsReference(let reference):
                return try connection.query("SELECT id FROM intake.cases WHERE sms_reference = $1", [.text(reference)])
                    .map { try $0["id"].decode() }
            case .personalId(let fin):
                return try connection.query("""
                    SELECT c.id FROM intake.cases c JOIN intake.people p ON p.id = c.person_id
                    WHERE p.personal_id = $1 ORDER BY c.opened_at, c.id
                    """, [.text(fin)]).map { try $0["id"].decode() }
            }
        }()
        guard !ids.isEmpty else { return [] }
        let present = try presentTables()
        return try ids.map { try dossier($0, present: present) }
    }

    private struct PresentTables {
        var referral: Bool
        var escalation: Bool
        var notification: Bool
        /// The referral schema's deadline history (migration 5).
        var deadlines: Bool
    }

    private func presentTables() throws -> PresentTables {
        let row = try connection.query("""
            SELECT to_regclass('referral.status_history') IS NOT NULL AS referral,
                   to_regclass('escalation.escalation_events') IS NOT NULL AS escalation,
                   to_regclass('notification.delivery_attempts') IS NOT NULL AS notification,
                   to_regclass('referral.deadline_history') IS NOT NULL AS deadlines
            """)[0]
        return PresentTables(
            referral: try row["referral"].decode(), escalation: try row["escalation"].decode(), notification: try row["notification"].decode(),
            deadlines: try row["deadlines"].decode())
    }

    private func dossier(_ caseId: UUID, present: PresentTables) throws -> CaseDossier {
        // Initials are cut in SQL from the case as routed (or the record as received), so no
        // other personal field ever reaches this process.
        let person = present.referral
            ? "COALESCE((SELECT rc.case_event->'person' FROM referral.cases rc WHERE rc.case_id = c.id), convert_from(c.raw_record, 'UTF8')::jsonb->'person')"
            : "convert_from(c.raw_record, 'UTF8')::jsonb->'person'"
        let row = try connection.query("""
            SELECT c.id, c.sms_reference, c.readmitted_at, c.opened_at, c.district, c.consent_status,
                   \(PersonDetails.initialsSQL(ofPersonJSON: "p.person")) AS initials
            FROM intake.cases c CROSS JOIN LATERAL (SELECT \(person) AS person) p
            WHERE c.id = $1
            """, [.uuid(caseId)])[0]
        let initials: String? = try row["initials"].decodeIfPresent()
        var dossier = CaseDossier(
            caseId: OperatorTime.identifier(caseId), smsReference: try row["sms_reference"].decode(), personInitials: initials?.isEmpty == false ? initials : nil,
            district: try row["district"].decode(), readmittedAt: try row["readmitted_at"].decode(), openedAt: try row["opened_at"].decode(),
            consent: try row["consent_status"].decode(), referrals: [], timeline: [])
        dossier.timeline.append(.init(
            at: dossier.openedAt, kind: .caseOpened,
            summary: dossier.consent == "awaiting" ? "case opened, held awaiting consent" : "case opened"))
        if present.referral { try addReferrals(to: &dossier) }
        if present.deadlines { try addDeadlineExtensions(to: &dossier) }
        if present.escalation { try addEscalations(to: &dossier) }
        if present.notification { try addDeliveries(to: &dossier) }
        // Stable: entries at the same instant keep the order they were added in (case, status, escalation, delivery).
        dossier.timeline = dossier.timeline.enumerated()
            .sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }
            .map(\.element)
        return dossier
    }

    private func addReferrals(to dossier: inout CaseDossier) throws {
        let id = PostgresValue.text(dossier.caseId)
        if let released = try connection.query("SELECT released_at FROM referral.cases WHERE case_id = $1::uuid", [id]).first,
            let at: Date = try released["released_at"].decodeIfPresent() {
            dossier.timeline.append(.init(at: at, kind: .consentReleased, summary: "consent given, referrals released"))
        }
        dossier.referrals = try connection.query("""
            SELECT referral_id, agency, status, issued_at, acknowledge_by, due_by
            FROM referral.referrals WHERE case_id = $1::uuid ORDER BY agency
            """, [id]).map { row in
            CaseDossier.Referral(
                referralId: try row["referral_id"].decode(), agency: try row["agency"].decode(), status: try row["status"].decode(),
                issuedAt: try row["issued_at"].decode(), acknowledgeBy: try row["acknowledge_by"].decode(), dueBy: try row["due_by"].decode())
        }
        // The agency's officer and note stay out: they may name people.
        for row in try connection.query("""
            SELECT h.referral_id, r.agency, h.from_status, h.to_status, h.recorded_at, h.actor
            FROM referral.status_history h JOIN referral.referrals r ON r.referral_id = h.referral_id
            WHERE r.case_id = $1::uuid ORDER BY h.recorded_at, h.id
            """, [id]) {
            let from: String? = try row["from_status"].decodeIfPresent()
            let to: String = try row["to_status"].decode()
            let actor: String = try row["actor"].decode()
            dossier.timeline.append(.init(
                at: try row["recorded_at"].decode(), kind: .statusChange, referralId: try row["referral_id"].decode(),
                agency: try row["agency"].decode(), summary: "\(from.map { "\($0) → " } ?? "")\(to) (by \(actor))",
                fromStatus: from, toStatus: to, actor: actor))
        }
    }

    /// Extension requests and decisions: who, when, from which deadline to which. Notes stay
    /// out, as the status history's do.
    private func addDeadlineExtensions(to dossier: inout CaseDossier) throws {
        for row in try connection.query("""
            SELECT h.referral_id, r.agency, h.event, h.from_due_by, h.to_due_by, h.actor, h.recorded_at, h.extension_request_id
            FROM referral.deadline_history h JOIN referral.referrals r ON r.referral_id = h.referral_id
            WHERE r.case_id = $1::uuid ORDER BY h.recorded_at, h.id
            """, [.text(dossier.caseId)]) {
            let event: String = try row["event"].decode()
            let actor: String = try row["actor"].decode()
            let from = OperatorTime.local(try row["from_due_by"].decode())
            let to = OperatorTime.local(try row["to_due_by"].decode())
            let request: Int64 = try row["extension_request_id"].decode()
            let summary = switch event {
            case "extension-requested": "extension #\(request) requested by \(actor): due by \(from) → \(to)"
            case "extension-approved": "extension #\(request) approved by \(actor): due by \(from) → \(to)"
            default: "extension #\(request) refused by \(actor): due by \(from) unchanged"
            }
            dossier.timeline.append(.init(
                at: try row["recorded_at"].decode(), kind: .deadlineExtension, referralId: try row["referral_id"].decode(),
                agency: try row["agency"].decode(), summary: summary, actor: actor))
        }
    }

    private func addEscalations(to dossier: inout CaseDossier) throws {
        for row in try connection.query("""
            SELECT referral_id, agency, step, array_to_string(audiences, ',') AS audiences, planned_moment, fired_at, late,
                   extract(epoch FROM delay)::float8 AS delay_seconds
            FROM escalation.escalation_events WHERE case_id = $1::uuid ORDER BY fired_at, id
            """, [.text(dossier.caseId)]) {
            let step: Int = try row["step"].decode()
            let audiences = (try row["audiences"].decode(String.self)).split(separator: ",").map(String.init)
            let planned: Date = try row["planned_moment"].decode()
            let late: Bool = try row["late"].decode()
            let delay: Double = try row["delay_seconds"].decode()
            dossier.timeline.append(.init(
                at: try row["fired_at"].decode(), kind: .escalation, referralId: try row["referral_id"].decode(),
                agency: try row["agency"].decode(),
                summary: "escalation step \(step) to \(audiences.joined(separator: ", ")), planned \(OperatorTime.local(planned))"
                    + (late ? ", fired late by \(Self.seconds(delay))" : ", fired on time"),
                step: step, audiences: audiences, plannedAt: planned, late: late, delaySeconds: delay))
        }
    }

    private func addDeliveries(to dossier: inout CaseDossier) throws {
        let id = PostgresValue.text(dossier.caseId)
        // Recipients by directory id and role: their names and addresses stay in the directory.
        let deliveries = try connection.query("""
            SELECT d.id, q.referral_id, q.agency, q.step, q.kind, d.recipient_id, rc.role, d.channel, d.status, d.created_at,
                   (SELECT count(*) FROM notification.delivery_attempts a WHERE a.delivery_id = d.id) AS attempts
            FROM notification.deliveries d
            JOIN notification.requests q ON q.delivery_key = d.delivery_key
            JOIN notification.recipients rc ON rc.id = d.recipient_id
            WHERE q.case_id = $1::uuid
            """, [id])
        struct Delivery {
            var referralId: String?, agency: String?, step: Int?, kind: String, recipientId: String, role: String, channel: String, status: String
            var subject: String { step.map { "step \($0) alert" } ?? "\(kind) alert" }
        }
        var byId: [UUID: Delivery] = [:]
        for row in deliveries {
            let delivery = Delivery(
                referralId: try row["referral_id"].decodeIfPresent(), agency: try row["agency"].decodeIfPresent(),
                step: try row["step"].decodeIfPresent(), kind: try row["kind"].decode(), recipientId: try row["recipient_id"].decode(),
                role: try row["role"].decode(), channel: try row["channel"].decode(), status: try row["status"].decode())
            byId[try row["id"].decode()] = delivery
            if try row["attempts"].decode(Int.self) == 0 {
                dossier.timeline.append(.init(
                    at: try row["created_at"].decode(), kind: .deliveryWaiting, referralId: delivery.referralId, agency: delivery.agency,
                    summary: "\(delivery.subject) by \(delivery.channel) to \(delivery.role) \(delivery.recipientId): \(delivery.status), no attempt yet",
                    step: delivery.step, recipientId: delivery.recipientId, recipientRole: delivery.role, channel: delivery.channel,
                    deliveryStatus: delivery.status))
            }
        }
        for row in try connection.query("""
            SELECT a.delivery_id, a.attempt, a.finished_at, a.result, a.response_code
            FROM notification.delivery_attempts a
            JOIN notification.deliveries d ON d.id = a.delivery_id
            JOIN notification.requests q ON q.delivery_key = d.delivery_key
            WHERE q.case_id = $1::uuid ORDER BY a.finished_at, a.id
            """, [id]) {
            guard let delivery = byId[try row["delivery_id"].decode()] else { continue }
            let attempt: Int = try row["attempt"].decode()
            let result: String = try row["result"].decode()
            let code: Int? = try row["response_code"].decodeIfPresent()
            dossier.timeline.append(.init(
                at: try row["finished_at"].decode(), kind: .deliveryAttempt, referralId: delivery.referralId, agency: delivery.agency,
                summary: "\(delivery.subject) by \(delivery.channel) to \(delivery.role) \(delivery.recipientId): attempt \(attempt) \(result)"
                    + (code.map { " (\($0))" } ?? ""),
                step: delivery.step, recipientId: delivery.recipientId, recipientRole: delivery.role, channel: delivery.channel,
                deliveryStatus: delivery.status, attempt: attempt, result: result, responseCode: code))
        }
    }

    private static func seconds(_ value: Double) -> String {
        value < 1 ? "\(Int((value * 1000).rounded())) ms" : "\(Int(value.rounded())) s"
    }
}
