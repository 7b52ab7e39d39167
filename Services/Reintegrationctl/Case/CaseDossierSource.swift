import EscalationOperations
import Foundation
import IntakeOperations
import NotificationOperations
import Postgres
import ReferralOperations

/// Reads a case's dossier from the four services, each through its own queries, in the
/// caller's snapshot, and joins the parts here by case and referral id.
///
/// Only intake is required: the referral, escalation and notification parts are read when
/// their tables exist, so a cluster where a service never started still answers.
struct CaseDossierSource {
    let connection: PostgresConnection
    private let intakeCases = IntakeCaseRegister()
    private let referralRecords = ReferralCaseRecords()
    private let escalationRecords = EscalationRecords()
    private let deliveryRecords = DeliveryRecords()

    init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// The cases the key names, oldest first (a FIN can name several readmissions).
    func dossiers(for key: CaseLookupKey) throws -> [CaseDossier] {
        let ids: [UUID] = switch key {
        case .caseId(let id): try intakeCases.caseIds(caseId: id, on: connection)
        case .smsReference(let reference): try intakeCases.caseIds(smsReference: reference, on: connection)
        case .personalId(let fin): try intakeCases.caseIds(personalId: fin, on: connection)
        }
        guard !ids.isEmpty else { return [] }
        let present = PresentParts(
            referral: try referralRecords.isMigrated(on: connection), escalation: try escalationRecords.isMigrated(on: connection),
            notification: try deliveryRecords.isMigrated(on: connection), deadlines: try referralRecords.recordsDeadlines(on: connection))
        return try ids.compactMap { try dossier($0, present: present) }
    }

    private struct PresentParts {
        var referral: Bool
        var escalation: Bool
        var notification: Bool
        /// The referral schema's deadline history (migration 5).
        var deadlines: Bool
    }

    private func dossier(_ caseId: UUID, present: PresentParts) throws -> CaseDossier? {
        guard let opened = try intakeCases.caseRecord(caseId, on: connection) else { return nil }
        // The case as routed names the person as the referrals do; the record as received is
        // the fallback. Either way only initials leave the database.
        let routedInitials = present.referral ? try referralRecords.personInitials(caseId: caseId, on: connection) : nil
        let initials = routedInitials ?? opened.personInitials
        var dossier = CaseDossier(
            caseId: OperatorTime.identifier(caseId), smsReference: opened.smsReference, personInitials: initials?.isEmpty == false ? initials : nil,
            district: opened.district, readmittedAt: opened.readmittedAt, openedAt: opened.openedAt,
            consent: opened.consentStatus, referrals: [], timeline: [])
        dossier.timeline.append(.init(
            at: dossier.openedAt, kind: .caseOpened,
            summary: dossier.consent == "awaiting" ? "case opened, held awaiting consent" : "case opened"))
        let referrals = present.referral ? try referralRecords.referrals(caseIds: [caseId], on: connection) : []
        if present.referral { try addReferrals(referrals, of: caseId, to: &dossier) }
        if present.deadlines { try addDeadlineExtensions(of: referrals, to: &dossier) }
        if present.escalation { try addEscalations(of: caseId, to: &dossier) }
        if present.notification { try addDeliveries(of: caseId, to: &dossier) }
        // Stable: entries at the same instant keep the order they were added in (case, status, escalation, delivery).
        dossier.timeline = dossier.timeline.enumerated()
            .sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }
            .map(\.element)
        return dossier
    }

    private func addReferrals(_ referrals: [CaseReferral], of caseId: UUID, to dossier: inout CaseDossier) throws {
        if let at = try referralRecords.releasedAt(caseId: caseId, on: connection) {
            dossier.timeline.append(.init(at: at, kind: .consentReleased, summary: "consent given, referrals released"))
        }
        dossier.referrals = referrals.map { referral in
            CaseDossier.Referral(
                referralId: OperatorTime.identifier(referral.referralId), agency: referral.agency, status: referral.status,
                issuedAt: referral.issuedAt, acknowledgeBy: referral.acknowledgeBy, dueBy: referral.dueBy)
        }
        // The agency's officer and note stay out: they may name people.
        for change in try referralRecords.statusChanges(referralIds: referrals.map(\.referralId), on: connection) {
            let to = change.toStatus
            dossier.timeline.append(.init(
                at: change.recordedAt, kind: .statusChange, referralId: OperatorTime.identifier(change.referralId),
                agency: change.agency, summary: "\(change.fromStatus.map { "\($0) → " } ?? "")\(to) (by \(change.actor))",
                fromStatus: change.fromStatus, toStatus: to, actor: change.actor))
        }
    }

    /// Extension requests and decisions: who, when, from which deadline to which. Notes stay
    /// out, as the status history's do.
    private func addDeadlineExtensions(of referrals: [CaseReferral], to dossier: inout CaseDossier) throws {
        for change in try referralRecords.deadlineChanges(referralIds: referrals.map(\.referralId), on: connection) {
            let actor = change.actor
            let from = OperatorTime.local(change.fromDueBy)
            let to = OperatorTime.local(change.toDueBy)
            let request = change.extensionRequestId
            let summary = switch change.event {
            case "extension-requested": "extension #\(request) requested by \(actor): due by \(from) → \(to)"
            case "extension-approved": "extension #\(request) approved by \(actor): due by \(from) → \(to)"
            case "extension-withdrawn": "extension #\(request) withdrawn: the referral closed before a decision (by \(actor))"
            default: "extension #\(request) refused by \(actor): due by \(from) unchanged"
            }
            dossier.timeline.append(.init(
                at: change.recordedAt, kind: .deadlineExtension, referralId: OperatorTime.identifier(change.referralId),
                agency: change.agency, summary: summary, actor: actor))
        }
    }

    private func addEscalations(of caseId: UUID, to dossier: inout CaseDossier) throws {
        for fired in try escalationRecords.fired(caseId: caseId, on: connection) {
            dossier.timeline.append(.init(
                at: fired.firedAt, kind: .escalation, referralId: OperatorTime.identifier(fired.referralId), agency: fired.agency,
                summary: "escalation step \(fired.step) to \(fired.audiences.joined(separator: ", ")), planned \(OperatorTime.local(fired.plannedMoment))"
                    + (fired.late ? ", fired late by \(Self.seconds(fired.delaySeconds))" : ", fired on time"),
                step: fired.step, audiences: fired.audiences, plannedAt: fired.plannedMoment, late: fired.late, delaySeconds: fired.delaySeconds))
        }
    }

    /// Recipients by directory id and role: their names and addresses stay in the directory.
    private func addDeliveries(of caseId: UUID, to dossier: inout CaseDossier) throws {
        var byId: [UUID: CaseDelivery] = [:]
        for delivery in try deliveryRecords.deliveries(caseId: caseId, on: connection) {
            byId[delivery.id] = delivery
            if delivery.attempts == 0 {
                dossier.timeline.append(.init(
                    at: delivery.createdAt, kind: .deliveryWaiting, referralId: delivery.referralId.map(OperatorTime.identifier),
                    agency: delivery.agency,
                    summary: "\(Self.subject(delivery)) by \(delivery.channel) to \(delivery.recipientRole) \(OperatorTime.identifier(delivery.recipientId)): "
                        + "\(delivery.status), no attempt yet",
                    step: delivery.step, recipientId: OperatorTime.identifier(delivery.recipientId), recipientRole: delivery.recipientRole,
                    channel: delivery.channel, deliveryStatus: delivery.status))
            }
        }
        for attempt in try deliveryRecords.attempts(caseId: caseId, on: connection) {
            guard let delivery = byId[attempt.deliveryId] else { continue }
            dossier.timeline.append(.init(
                at: attempt.finishedAt, kind: .deliveryAttempt, referralId: delivery.referralId.map(OperatorTime.identifier),
                agency: delivery.agency,
                summary: "\(Self.subject(delivery)) by \(delivery.channel) to \(delivery.recipientRole) \(OperatorTime.identifier(delivery.recipientId)): "
                    + "attempt \(attempt.attempt) \(attempt.result)" + (attempt.responseCode.map { " (\($0))" } ?? ""),
                step: delivery.step, recipientId: OperatorTime.identifier(delivery.recipientId), recipientRole: delivery.recipientRole,
                channel: delivery.channel, deliveryStatus: delivery.status, attempt: attempt.attempt, result: attempt.result,
                responseCode: attempt.responseCode))
        }
    }

    private static func subject(_ delivery: CaseDelivery) -> String {
        delivery.step.map { "step \($0) alert" } ?? "\(delivery.kind) alert"
    }

    private static func seconds(_ value: Double) -> String {
        value < 1 ? "\(Int((value * 1000).rounded())) ms" : "\(Int(value.rounded())) s"
    }
}
