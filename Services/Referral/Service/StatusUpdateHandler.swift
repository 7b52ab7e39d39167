import AMQP
import Contract
import Foundation
import Logging
import Messaging
import Metrics
import Postgres
import ReferralDomain

/// Applies an agency's `referral-status.v1` update to its own referral, or refuses it to
/// `agency.updates.rejected` with the reason, changing nothing.
///
/// The broker guarantees `user_id` equals the publishing account, so the agency is known
/// for certain: an update for another agency's referral is refused. Every outcome is
/// answered in the same transaction when the update asked for it (`StatusOutcomeReplies`).
struct StatusUpdateHandler: MessageHandler {
    let store: ReferralStore
    let outbox: Outbox
    let logger: Logger
    /// Status updates that ask for a later deadline (`extension-requested`).
    let extensionRequests: ExtensionRequestHandler

    private var replies: StatusOutcomeReplies { StatusOutcomeReplies(store: store, outbox: outbox, logger: logger) }

    func handle(_ delivery: Delivery, in connection: PostgresConnection) throws -> HandlingOutcome {
        let outcome = try decide(delivery, in: connection)
        try replies.answer(delivery, with: outcome, on: connection)
        switch outcome.outcome {
        case .applied: return .applied
        case .duplicate: return .duplicate
        case .refused: return .refused(reason: outcome.reason ?? "")
        }
    }

    func handleRepeat(_ delivery: Delivery, in connection: PostgresConnection) throws {
        try replies.answerRepeat(delivery, on: connection)
    }

    private func decide(_ delivery: Delivery, in connection: PostgresConnection) throws -> StatusOutcome {
        let properties = delivery.properties
        guard let messageId = properties.messageId, !messageId.isEmpty else {
            return try refuse(delivery, .missingMessageId, "message_id: is required", referralId: nil, on: connection)
        }
        guard let userId = properties.userId, let agency = AccountName.agencyCode(fromUserId: userId) else {
            return try refuse(
                delivery, .missingUserId, "user_id: is required and must be the agency's account name", referralId: nil, on: connection)
        }
        switch try extensionRequests.handle(delivery, agency: agency, userId: userId, messageId: messageId, on: connection) {
        case nil: break
        case .handled(let outcome)?: return outcome
        case .refused(let reason, let detail, let referralId)?: return try refuse(delivery, reason, detail, referralId: referralId, on: connection)
        }
        let update: StatusUpdate
        do {
            update = try StatusUpdate.parse(delivery.body)
        } catch {
            return try refuse(delivery, error.reason, error.detail, referralId: nil, on: connection)
        }
        guard let referral = try store.referral(update.referralId, on: connection) else {
            return try refuse(
                delivery, .unknownReferral, "referralId: matches no referral", referralId: ContractID.text(update.referralId), on: connection)
        }
        guard referral.agency == agency else {
            return try refuse(
                delivery, .wrongAgency, "referralId: the referral belongs to another agency",
                referralId: ContractID.text(update.referralId), on: connection)
        }
        switch ReferralStatus.decide(current: referral.status, update: update) {
        case .duplicate:
            logger.info("repeated status update; nothing changes", metadata: [
                "referralId": "\(ContractID.text(referral.referralId))", "caseId": "\(ContractID.text(referral.caseId))", "status": "\(update.status.rawValue)",
            ])
            return .duplicate(referral.referralId, status: referral.status)
        case .refuse(let reason, let detail):
            return try refuse(delivery, reason, detail, referralId: ContractID.text(update.referralId), on: connection)
        case .apply:
            try store.updateStatus(referral, to: update, actor: userId, messageId: messageId, on: connection)
            try extensionRequests.referralChanged(
                referral.referralId, caseId: referral.caseId, to: update.status, actor: userId, on: connection)
            let event = ReferralEvent(
                kind: update.status.eventKind, referralId: referral.referralId, caseId: referral.caseId, agency: referral.agency,
                at: update.at)
            try outbox.enqueue(
                OutgoingMessage(
                    exchange: ExchangeName.clusterEvents, routingKey: EventRoutingKey.referral(event.kind),
                    properties: .persistentJSON(
                        messageId: "referral-\(event.kind.rawValue):\(ContractID.text(referral.referralId))", type: MessageType.referralEvent),
                    body: try ContractCoding.encode(event)),
                on: connection)
            Counter(label: "referral_status_updates_total", dimensions: [("status", update.status.rawValue), ("result", "applied")]).increment()
            logger.info("referral status changed", metadata: [
                "referralId": "\(ContractID.text(referral.referralId))", "caseId": "\(ContractID.text(referral.caseId))",
                "from": "\(referral.status.rawValue)", "to": "\(update.status.rawValue)", "agency": "\(agency)",
            ])
            return .applied(referral.referralId, from: referral.status, to: update.status)
        }
    }

    private func refuse(
        _ delivery: Delivery, _ reason: RejectionReason, _ detail: String, referralId: String?, on connection: PostgresConnection
    ) throws -> StatusOutcome {
        try store.recordRefusal(
            messageId: delivery.properties.messageId, userId: delivery.properties.userId, referralId: referralId, reason: reason,
            detail: detail, on: connection)
        try outbox.enqueue(
            .rejectedCopy(
                of: delivery, exchange: ExchangeName.referralRefusals, routingKey: QueueName.agencyUpdatesRejected,
                reason: reason, detail: detail),
            on: connection)
        Counter(label: "referral_status_updates_total", dimensions: [("status", ""), ("result", reason.rawValue)]).increment()
        logger.info("status update refused", metadata: [
            "referralId": "\(referralId ?? "-")", "messageId": "\(delivery.properties.messageId ?? "-")", "reason": "\(reason.rawValue)",
        ])
        return .refused(referralId.flatMap(UUID.init(uuidString:)) ?? StatusOutcome.referralId(in: delivery.body), reason, detail: detail)
    }
}
