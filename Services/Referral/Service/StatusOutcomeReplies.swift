import AMQP
import Contract
import Foundation
import Logging
import Messaging
import Metrics
import Postgres
import ReferralDomain

/// Answers a status update that carries `reply_to` with its `referral-status-outcome.v1`
/// (contract v1.1, item 7), inside the update's transaction.
///
/// Only intake may write to the default exchange (item 5), so the answer does not go to the
/// reply queue from here: it goes through the outbox to `cluster.events`
/// (`reply.referral-status-outcome`), carrying the requester's `reply_to` and
/// `correlation_id`, and intake delivers it from `intake.replies`. A `reply_to` that is not
/// a reply queue (item 4) gets no answer; the update is handled as usual.
struct StatusOutcomeReplies: Sendable {
    let store: ReferralStore
    let outbox: Outbox
    let logger: Logger

    /// Queues `outcome` for the sender when it asked for an answer. A missing `status` is
    /// the referral's status now (after the update), when the referral is the sender's own.
    func answer(_ delivery: Delivery, with outcome: StatusOutcome, on connection: PostgresConnection) throws {
        guard let replyTo = delivery.properties.replyTo, !replyTo.isEmpty else { return }
        let metadata: Logger.Metadata = [
            "referralId": "\(outcome.referralId.map(ContractID.text) ?? "-")", "messageId": "\(delivery.properties.messageId ?? "-")",
            "outcome": "\(outcome.outcome.rawValue)",
        ]
        guard ReplyQueue.isAnswerable(replyTo) else {
            logger.warning("reply_to is not a reply queue; no status outcome sent", metadata: metadata)
            Counter(label: "referral_status_outcomes_total", dimensions: [("result", "not-a-reply-queue")]).increment()
            return
        }
        var outcome = outcome
        if outcome.status == nil, let referralId = outcome.referralId,
           let agency = delivery.properties.userId.flatMap(AccountName.agencyCode(fromUserId:)),
           let referral = try store.referral(referralId, on: connection), referral.agency == agency {
            outcome.status = referral.status.rawValue
        }
        var properties = MessageProperties.persistentJSON(
            messageId: "status-outcome:\(UUID().uuidString.lowercased())", type: MessageType.referralStatusOutcome)
        properties.correlationId = delivery.properties.correlationId
        properties.replyTo = replyTo
        try outbox.enqueue(
            OutgoingMessage(
                exchange: ExchangeName.clusterEvents, routingKey: EventRoutingKey.statusOutcomeReply, properties: properties,
                body: try ContractCoding.encode(outcome)),
            on: connection)
        Counter(label: "referral_status_outcomes_total", dimensions: [("result", outcome.outcome.rawValue)]).increment()
        logger.info("status outcome queued for the sender's reply queue", metadata: metadata)
    }

    /// Answers a message handled before (same `message_id`) without handling it again:
    /// refused again with its first reason when it was refused, otherwise a duplicate.
    func answerRepeat(_ delivery: Delivery, on connection: PostgresConnection) throws {
        guard let replyTo = delivery.properties.replyTo, !replyTo.isEmpty, let messageId = delivery.properties.messageId else { return }
        let referralId = StatusOutcome.referralId(in: delivery.body)
        let outcome: StatusOutcome
        if let refusal = try store.refusal(messageId: messageId, userId: delivery.properties.userId, on: connection) {
            outcome = StatusOutcome(referralId: referralId, outcome: .refused, reason: refusal.reason, detail: refusal.detail)
        } else {
            outcome = .repeated(referralId, status: nil)
        }
        logger.info("status update delivered again; answered without a second effect", metadata: [
            "referralId": "\(referralId.map(ContractID.text) ?? "-")", "messageId": "\(messageId)",
        ])
        try answer(delivery, with: outcome, on: connection)
    }
}
