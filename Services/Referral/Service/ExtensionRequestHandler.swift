import AMQP
import Contract
import Foundation
import Logging
import Messaging
import Metrics
import Postgres
import ReferralDomain
import ReferralOperations
import WorkingCalendar

/// Records an agency's deadline extension request (a `referral-status.v1` with `status`
/// `extension-requested`) and tells the secretariat and the chair. The referral keeps its
/// status, deadline and ladder until the secretariat decides; a request still waiting
/// when the referral is completed or declined is withdrawn.
struct ExtensionRequestHandler: Sendable {
    /// What became of a status update that is an extension request.
    enum Outcome: Sendable {
        case handled(StatusOutcome)
        /// Refuse it the way every status update is refused.
        case refused(RejectionReason, detail: String, referralId: String?)
    }

    let store: ExtensionRequestStore
    let outbox: Outbox
    let logger: Logger
    var now: @Sendable () -> Date = { Date() }

    /// Nil when `delivery` is not an extension request (an ordinary status update).
    func handle(
        _ delivery: Delivery, agency: String, userId: String, messageId: String, on connection: PostgresConnection
    ) throws -> Outcome? {
        let request: ExtensionRequest
        do {
            guard let parsed = try ExtensionRequest.parse(delivery.body) else { return nil }
            request = parsed
        } catch {
            return .refused(error.reason, detail: error.detail, referralId: nil)
        }
        let referralText = ContractID.text(request.referralId)
        guard let referral = try store.lockedReferral(request.referralId, on: connection) else {
            return .refused(.unknownReferral, detail: "referralId: matches no referral", referralId: referralText)
        }
        guard referral.agency == agency else {
            return .refused(.wrongAgency, detail: "referralId: the referral belongs to another agency", referralId: referralText)
        }
        let metadata: Logger.Metadata = [
            "referralId": "\(referralText)", "caseId": "\(ContractID.text(referral.caseId))", "agency": "\(agency)",
        ]
        let pending = try store.pendingDate(of: referral.referralId, on: connection)
        switch request.decide(status: referral.status, dueBy: referral.dueBy, pending: pending, calendar: store.calendar) {
        case .duplicate:
            logger.info("repeated extension request; nothing changes", metadata: metadata)
            return .handled(.extensionPending(referral.referralId, until: request.requestedDueBy.description, status: referral.status))
        case .refuse(let reason, let detail):
            return .refused(reason, detail: detail, referralId: referralText)
        case .record:
            let id = try store.record(request, for: referral, actor: userId, messageId: messageId, on: connection)
            let alert = NotificationRequest(
                kind: .extensionRequested, deliveryKey: "extension-requested:\(id)", audiences: [.secretariat, .chair],
                agency: referral.agency, caseId: referral.caseId, referralId: referral.referralId, deadline: referral.dueBy,
                personInitials: referral.personInitials, requestedDueBy: request.requestedDueBy.description, requestedAt: now())
            try outbox.enqueue(
                OutgoingMessage(
                    exchange: ExchangeName.clusterEvents, routingKey: EventRoutingKey.notification(.extensionRequested),
                    properties: .persistentJSON(messageId: "notification:\(alert.deliveryKey)", type: MessageType.notificationRequest),
                    body: try ContractCoding.encode(alert)),
                on: connection)
            Counter(label: "referral_extension_requests_total", dimensions: [("agency", agency)]).increment()
            logger.info("extension request recorded", metadata: metadata.merging([
                "extensionRequest": "\(id)", "requestedDueBy": "\(request.requestedDueBy)",
            ]) { $1 })
            return .handled(
                .extensionRequested(referral.referralId, until: request.requestedDueBy.description, status: referral.status))
        }
    }

    /// Withdraws the referral's request waiting for a decision, if any, when an update has
    /// just closed it (`completed` or `declined`), in that update's transaction.
    func referralChanged(
        _ referralId: UUID, caseId: UUID, to status: ReferralStatus, actor: String, on connection: PostgresConnection
    ) throws {
        guard !status.isOpen, let id = try store.withdrawPending(of: referralId, closedAs: status, actor: actor, on: connection) else { return }
        logger.info("pending extension request withdrawn: the referral closed before a decision", metadata: [
            "referralId": "\(ContractID.text(referralId))", "caseId": "\(ContractID.text(caseId))", "extensionRequest": "\(id)",
            "status": "\(status.rawValue)",
        ])
    }
}
