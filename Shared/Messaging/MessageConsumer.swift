import AMQP
import Contract
import Foundation
import Logging
import Metrics
import Postgres
import Retry
import ServiceLifecycle

/// Consumes one queue into a service's database, exactly once in effect.
///
/// Deliveries that have arrived are handled together in one transaction, then
/// acknowledged after the commit: their inbox rows in one statement, the handlers one
/// after another without savepoints. When any of them fails, that transaction is rolled
/// back and the batch is handled again with each message inside its own savepoint, so a
/// bad message gets its own refusal or redelivery and the others are applied. A `message_id` already in the
/// inbox is acknowledged without a second effect. A message whose handling throws is
/// returned to the queue after a short pause; on its last allowed delivery it is
/// published to the dead-letter exchange with the error as its reason, so it never loops
/// and is never dropped. Graceful shutdown stops the consumer at the broker, handles and
/// acknowledges what was already delivered, and returns.
public final class MessageConsumer: Service, Sendable {
    public struct Settings: Sendable {
        public var prefetch: UInt16 = 100
        public var batchSize = 50
        /// Must match the queue's `x-delivery-limit`.
        public var deliveryLimit = ClusterTopology.defaultDeliveryLimit
        public init() {}
    }

    private let queue: String
    private let consumerClient: AMQPClient
    private let publisher: AMQPClient
    private let pool: PostgresPool
    private let inbox: Inbox
    private let handler: any MessageHandler
    private let logger: Logger
    private let settings: Settings
    /// The pause before a failed message goes back to the queue, by its delivery.
    private static let redeliveryPause = Backoff(initial: .milliseconds(50), maximum: .seconds(2))
    /// `messages_consumed_total` by result, made once rather than per message.
    private let consumed: [String: Counter]

    public init(
        queue: String, consumerClient: AMQPClient, publisher: AMQPClient, pool: PostgresPool, inbox: Inbox,
        handler: any MessageHandler, logger: Logger, settings: Settings = Settings()
    ) {
        self.queue = queue
        self.consumerClient = consumerClient
        self.publisher = publisher
        self.pool = pool
        self.inbox = inbox
        self.handler = handler
        self.logger = logger
        self.settings = settings
        consumed = Dictionary(uniqueKeysWithValues: ["applied", "duplicate", "refused", "redelivered", "failed", "dead-lettered"].map {
            ($0, Counter(label: "messages_consumed_total", dimensions: [("queue", queue), ("result", $0)]))
        })
    }

    private enum Result: Sendable {
        case handled(HandlingOutcome)
        case alreadyApplied
        case failed(String)
    }

    public func run() async throws {
        let subscription = await consumerClient.subscribe(queue: queue, prefetch: settings.prefetch)
        await withGracefulShutdownHandler {
            while true {
                let batch = await subscription.next(upTo: settings.batchSize)
                if batch.isEmpty { break }
                await process(batch)
            }
        } onGracefulShutdown: {
            Task { await subscription.stop() }
        }
        logger.info("consumer stopped", metadata: ["queue": "\(queue)"])
    }

    func process(_ batch: [Delivery]) async {
        var outage = 0
        while true {
            do {
                let results = try await apply(batch)
                await settle(batch, results)
                return
            } catch let error as PostgresError where error.isConnectionLoss {
                // The database is unreachable: that is not the messages' fault, so they are
                // held (unacknowledged, not counted as redeliveries) until it is back.
                guard batch.allSatisfy(\.isAcknowledgeable), !Task.isCancelled else {
                    for delivery in batch { delivery.nack(requeue: true) }
                    return
                }
                if outage == 0 {
                    logger.warning("database unreachable; holding deliveries until it is back", metadata: ["queue": "\(queue)", "error": "\(error)"])
                }
                try? await Task.sleep(for: Backoff(initial: .milliseconds(200), maximum: .seconds(5)).delay(attempt: outage))
                outage += 1
            } catch {
                // The transaction as a whole failed for another reason (commit refused).
                logger.warning("consumer transaction failed", metadata: ["queue": "\(queue)", "error": "\(error)"])
                for delivery in batch { await failed(delivery, reason: String(describing: error)) }
                return
            }
        }
    }

    private func apply(_ batch: [Delivery]) async throws -> [Result] {
        if batch.count > 1, let results = try await applyTogether(batch) { return results }
        return try await applyInOneTransaction(batch)
    }

    /// Handles the whole batch in one transaction without savepoints; nil when a message
    /// failed, after the transaction was rolled back.
    private func applyTogether(_ batch: [Delivery]) async throws -> [Result]? {
        let queue = queue
        let inbox = inbox
        let handler = handler
        let logger = logger
        return try await pool.withConnection { connection -> [Result]? in
            do {
                return try connection.withTransaction { connection -> [Result] in
                    let messageIds = batch.compactMap { delivery in delivery.properties.messageId.flatMap { $0.isEmpty ? nil : $0 } }
                    var firstReceipts = try inbox.recordFirstReceipts(consumer: queue, messageIds: messageIds, on: connection)
                    let isNew = batch.map { delivery in
                        guard let messageId = delivery.properties.messageId, !messageId.isEmpty else { return true }
                        return firstReceipts.remove(messageId) != nil
                    }
                    let fresh = zip(batch, isNew).filter(\.1).map(\.0)
                    var outcomes: IndexingIterator<[HandlingOutcome]>
                    if let batchHandler = handler as? any BatchMessageHandler {
                        let handled = try batchHandler.handle(batch: fresh, in: connection)
                        guard handled.count == fresh.count else { throw BatchOutcomesMismatch() }
                        outcomes = handled.makeIterator()
                    } else {
                        outcomes = try fresh.map { try handler.handle($0, in: connection) }.makeIterator()
                    }
                    return isNew.map { isNew in
                        guard isNew, let outcome = outcomes.next() else { return .alreadyApplied }
                        return .handled(outcome)
                    }
                }
            } catch let error as PostgresError where error.isConnectionLoss {
                throw error
            } catch {
                logger.debug("batch failed as a whole; handling it message by message", metadata: [
                    "queue": "\(queue)", "messages": "\(batch.count)", "error": "\(error)",
                ])
                return nil
            }
        }
    }

    /// A batch handler that did not give one outcome per message.
    private struct BatchOutcomesMismatch: Error, CustomStringConvertible {
        var description: String { "the batch handler returned a different number of outcomes than messages" }
    }

    /// Handles each delivery inside its own savepoint of one transaction.
    private func applyInOneTransaction(_ batch: [Delivery]) async throws -> [Result] {
        let queue = queue
        let inbox = inbox
        let handler = handler
        return try await pool.withTransaction { connection in
            try batch.map { delivery -> Result in
                do {
                    return try connection.withTransaction { connection -> Result in
                        if let messageId = delivery.properties.messageId, !messageId.isEmpty,
                           try !inbox.recordFirstReceipt(consumer: queue, messageId: messageId, on: connection) {
                            try handler.handleRepeat(delivery, in: connection)
                            return .alreadyApplied
                        }
                        return .handled(try handler.handle(delivery, in: connection))
                    }
                } catch let error as PostgresError where error.isConnectionLoss {
                    throw error
                } catch {
                    return .failed(String(describing: error))
                }
            }
        }
    }

    /// Acknowledges what was applied in one go (one `basic.ack multiple=true` for a batch
    /// applied whole), then returns or dead-letters each failed message.
    private func settle(_ batch: [Delivery], _ results: [Result]) async {
        var applied: [Delivery] = []
        var failures: [(Delivery, String)] = []
        for (delivery, result) in zip(batch, results) {
            switch result {
            case .handled(let outcome):
                applied.append(delivery)
                consumed[outcome.label]?.increment()
            case .alreadyApplied:
                applied.append(delivery)
                consumed["redelivered"]?.increment()
            case .failed(let reason):
                failures.append((delivery, reason))
            }
        }
        Delivery.ack(applied)
        for (delivery, reason) in failures { await failed(delivery, reason: reason) }
    }

    /// Returns the delivery for another attempt, or dead-letters it with the reason.
    private func failed(_ delivery: Delivery, reason: String) async {
        let attempt = delivery.previousDeliveries + 1
        var metadata: Logger.Metadata = [
            "queue": "\(queue)", "messageId": "\(delivery.properties.messageId ?? "-")", "attempt": "\(attempt)", "error": "\(reason)",
        ]
        guard attempt >= settings.deliveryLimit else {
            logger.warning("message handling failed; it will be redelivered", metadata: metadata)
            consumed["failed"]?.increment()
            // A short pause so a failing dependency is not hammered: 100 ms doubling to 2 s.
            try? await Task.sleep(for: Self.redeliveryPause.ceiling(attempt: attempt))
            delivery.nack(requeue: true)
            return
        }
        let message = OutgoingMessage.rejectedCopy(
            of: delivery, exchange: ExchangeName.deadLetters, routingKey: queue, reason: .processingFailed, detail: reason,
            extraHeaders: [
                "x-original-exchange": .string(delivery.exchange), "x-original-routing-key": .string(delivery.routingKey),
                "x-delivery-attempts": .int(Int64(attempt)),
            ],
            bodyLimit: nil)
        do {
            let outcome = try await publisher.publish([message])
            if outcome == [.confirmed] {
                delivery.ack()
                metadata["deadLetterQueue"] = "\(QueueName.deadLetter(of: queue))"
                logger.error("message dead-lettered after its last allowed delivery", metadata: metadata)
                consumed["dead-lettered"]?.increment()
                return
            }
            metadata["deadLetterOutcome"] = "\(outcome.map(\.description).joined(separator: ","))"
        } catch {
            metadata["deadLetterError"] = "\(error)"
        }
        logger.warning("could not dead-letter the message with its reason; requeued", metadata: metadata)
        // The broker's own delivery limit dead-letters it if this keeps failing.
        delivery.nack(requeue: true)
    }
}
