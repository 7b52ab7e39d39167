import AMQP
import Contract
import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// Delivers the replies other services ask for (contract v1.1, items 4, 5 and 7).
///
/// Only intake's account may write to the default exchange, which is how a reply reaches a
/// requester's server-named queue or direct reply-to. The referral service therefore puts
/// its status outcomes on `cluster.events` (`reply.#`) with the requester's `reply_to` and
/// `correlation_id`; this service reads them from `intake.replies` and publishes each body
/// to the default exchange with routing key = `reply_to`, after the same check intake's own
/// replies get (`ReplyQueue`). A message is acknowledged only once its reply is confirmed,
/// or when it cannot ever be delivered: a `reply_to` that is not a reply queue, or a reply
/// queue that no longer exists (the requester went away; the broker returns the reply).
/// Anything else (a nack, no confirm) returns it to the queue, whose delivery limit
/// dead-letters it rather than retrying for ever.
final class ReplyForwarder: Service, Sendable {
    private let consumerClient: AMQPClient
    private let publisher: AMQPClient
    private let logger: Logger
    private let prefetch: UInt16
    /// `intake_replies_total` by result, made once rather than per message.
    private let results: [String: Counter]

    init(consumerClient: AMQPClient, publisher: AMQPClient, logger: Logger, prefetch: UInt16) {
        self.consumerClient = consumerClient
        self.publisher = publisher
        self.logger = logger
        self.prefetch = prefetch
        results = Dictionary(uniqueKeysWithValues: ["delivered", "requester-gone", "not-a-reply-queue", "unencodable", "retried"].map {
            ($0, Counter(label: "intake_replies_total", dimensions: [("result", $0)]))
        })
    }

    func run() async throws {
        let subscription = await consumerClient.subscribe(queue: QueueName.intakeReplies, prefetch: prefetch)
        await withGracefulShutdownHandler {
            while true {
                let batch = await subscription.next(upTo: Int(prefetch))
                if batch.isEmpty { break }
                await forward(batch)
            }
        } onGracefulShutdown: {
            Task { await subscription.stop() }
        }
        await consumerClient.close()
        logger.info("reply forwarder stopped", metadata: ["queue": "\(QueueName.intakeReplies)"])
    }

    private func forward(_ batch: [Delivery]) async {
        var sendable: [(Delivery, OutgoingMessage)] = []
        for delivery in batch {
            guard let replyTo = delivery.properties.replyTo, ReplyQueue.isAnswerable(replyTo) else {
                logger.warning("reply without a reply queue to go to; dropped", metadata: metadata(delivery))
                results["not-a-reply-queue"]?.increment()
                delivery.ack()
                continue
            }
            var properties = delivery.properties
            properties.replyTo = nil
            properties.userId = nil
            properties.headers = [:]
            sendable.append((delivery, OutgoingMessage(
                exchange: ExchangeName.defaultExchange, routingKey: replyTo, properties: properties, body: delivery.body)))
        }
        guard !sendable.isEmpty else { return }
        let outcomes: [PublishOutcome]
        do {
            outcomes = try await publisher.publish(sendable.map(\.1))
        } catch {
            // Nothing was attempted (shutting down): the replies stay in the queue.
            for (delivery, _) in sendable { delivery.nack(requeue: true) }
            return
        }
        var again: [Delivery] = []
        for ((delivery, _), outcome) in zip(sendable, outcomes) {
            var details = metadata(delivery)
            switch outcome {
            case .confirmed:
                delivery.ack()
                results["delivered"]?.increment()
                logger.info("reply delivered", metadata: details)
            case .returned(let code, let text):
                details["broker"] = "\(code) \(text)"
                logger.info("reply queue no longer exists (the requester went away); reply dropped", metadata: details)
                results["requester-gone"]?.increment()
                delivery.ack()
            case .unencodable(let reason):
                details["reason"] = "\(reason)"
                logger.error("reply cannot be encoded; dropped", metadata: details)
                results["unencodable"]?.increment()
                delivery.ack()
            case .nacked, .refused, .unconfirmed:
                details["outcome"] = "\(outcome)"
                logger.warning("reply not taken by the broker; it will be tried again", metadata: details)
                results["retried"]?.increment()
                again.append(delivery)
            }
        }
        guard !again.isEmpty else { return }
        // A short pause so a failing broker is not hammered; the queue's delivery limit
        // dead-letters a reply that keeps failing.
        try? await Task.sleep(for: .milliseconds(500))
        for delivery in again { delivery.nack(requeue: true) }
    }

    /// What a log line names: the message, and the referral or case the answer is about
    /// (answers carry ids and codes, never personal data).
    private func metadata(_ delivery: Delivery) -> Logger.Metadata {
        let body = (try? JSONSerialization.jsonObject(with: Data(delivery.body))) as? [String: Any]
        return [
            "messageId": "\(delivery.properties.messageId ?? "-")", "type": "\(delivery.properties.type ?? "-")",
            "correlationId": "\(delivery.properties.correlationId ?? "-")",
            "referralId": "\(body?["referralId"] as? String ?? "-")", "caseId": "\(body?["caseId"] as? String ?? "-")",
        ]
    }
}
