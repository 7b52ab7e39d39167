import AMQP
import Contract
import Foundation
import Logging
import Messaging
import NotificationDomain
import Postgres
import ServiceLifecycle

/// Sends due deliveries: leases them with `FOR UPDATE SKIP LOCKED` (several instances
/// share the work), renders each in its recipient's language, sends it off the
/// cooperative pool, records the attempt, and retries, pauses or gives up by policy.
/// A delivery that finally fails is reported to the operators through the outbox,
/// except when it was itself an operator report (no report loops).
final class DeliveryWorker: Service, Sendable {
    struct Settings: Sendable {
        var retry = RetryPolicy()
        var circuit = CircuitBreakerPolicy()
        var pollInterval: Duration = .seconds(1)
        var batchSize = 8
        var lease: Duration = .seconds(300)
    }

    private let store: DeliveryStore
    private let outbox: Outbox
    private let pool: PostgresPool
    private let templates: AlertTemplates
    private let sender: AlertSender
    private let settings: Settings
    private let logger: Logger

    init(
        store: DeliveryStore, outbox: Outbox, pool: PostgresPool, templates: AlertTemplates, sender: AlertSender,
        settings: Settings, logger: Logger
    ) {
        self.store = store
        self.outbox = outbox
        self.pool = pool
        self.templates = templates
        self.sender = sender
        self.settings = settings
        self.logger = logger
    }

    func run() async throws {
        logger.info("delivery worker started", metadata: ["templates": "\(templates.source)"])
        try? await cancelWhenGracefulShutdown { [self] in
            while !Task.isCancelled {
                do {
                    if try await runOnce() == 0 {
                        try await Task.sleep(for: settings.pollInterval)
                    }
                } catch is CancellationError {
                    break
                } catch {
                    logger.warning("delivery round failed; retrying", metadata: ["error": "\(error)"])
                    try await Task.sleep(for: settings.pollInterval)
                }
            }
        }
        await sender.shutdown()
        logger.info("delivery worker stopped")
    }

    /// Claims one batch of due deliveries and handles each; returns how many it claimed.
    @discardableResult
    func runOnce() async throws -> Int {
        let store = store
        let limit = settings.batchSize
        let lease = settings.lease
        let (claimed, backlog) = try await pool.withTransaction { connection in
            (try store.claim(limit: limit, lease: lease, on: connection), try store.backlog(on: connection))
        }
        NotificationMetrics.openCircuits(backlog.openCircuits)
        NotificationMetrics.queueLag(seconds: backlog.lagSeconds)
        await withTaskGroup(of: Void.self) { group in
            for delivery in claimed {
                group.addTask { await self.deliver(delivery) }
            }
        }
        return claimed.count
    }

    private func deliver(_ delivery: ClaimedDelivery) async {
        let store = store
        guard delivery.recipientActive else {
            await persist("cancel", delivery) { connection in try store.cancel(delivery, on: connection) }
            return
        }
        let startedAt = Date()
        let result: AttemptResult
        do {
            let alert = try templates.render(delivery.request, language: delivery.language)
            result = await sender.send(alert, for: delivery, now: startedAt)
        } catch {
            result = .failed(.permanent, responseCode: nil, error: error.description)
        }
        let finishedAt = Date()
        let attempt = delivery.previousAttempts + 1
        let retryAt = nextAttempt(after: result, attempt: attempt, delivery: delivery, now: finishedAt)
        let circuit = settings.circuit
        let outbox = outbox
        await persist("record", delivery) { connection in
            let pausedUntil = try store.record(
                result, for: delivery, startedAt: startedAt, finishedAt: finishedAt, retryAt: retryAt, circuit: circuit, on: connection)
            if case .failed = result, retryAt == nil, delivery.request.kind != .operatorReport {
                try OperatorReport.enqueue(
                    about: delivery.request, key: "operator-report:\(delivery.id.uuidString.lowercased())", problem: .deliveryFailed,
                    at: finishedAt, outbox: outbox, on: connection)
            }
            return pausedUntil
        }.map { pausedUntil in
            if let pausedUntil {
                logger.warning("endpoint paused after repeated failures", metadata: [
                    "recipientId": "\(delivery.recipientId)", "channel": "\(delivery.channel.rawValue)", "until": "\(pausedUntil)",
                ])
            }
        }
        log(result, delivery: delivery, attempt: attempt, retryAt: retryAt)
    }

    /// When to try again after `result`, or nil when it succeeded or retrying is over.
    private func nextAttempt(after result: AttemptResult, attempt: Int, delivery: ClaimedDelivery, now: Date) -> Date? {
        guard case .failed(let failure, _, _) = result else { return nil }
        switch settings.retry.decision(afterAttempt: attempt, failure: failure, firstAttemptAt: delivery.firstAttemptAt, now: now) {
        case .retry(let at): return at
        case .giveUp: return nil
        }
    }

    /// Writes the outcome in its own task, so a shutdown arriving mid-send cannot cancel
    /// the record of a message that already left (it would otherwise be sent again).
    @discardableResult
    private func persist<T: Sendable>(_ what: String, _ delivery: ClaimedDelivery, _ body: @escaping @Sendable (PostgresConnection) throws -> T) async -> T? {
        let pool = pool
        do {
            return try await Task { try await pool.withTransaction(body) }.value
        } catch {
            // The lease expires and the delivery is claimed again.
            logger.error("delivery outcome not stored", metadata: ["step": "\(what)", "deliveryId": "\(delivery.id)", "error": "\(error)"])
            return nil
        }
    }

    private func log(_ result: AttemptResult, delivery: ClaimedDelivery, attempt: Int, retryAt: Date?) {
        let metadata: Logger.Metadata = [
            "deliveryId": "\(delivery.id)", "deliveryKey": "\(delivery.request.deliveryKey)",
            "channel": "\(delivery.channel.rawValue)", "attempt": "\(attempt)", "result": "\(result.label)",
        ]
        NotificationMetrics.delivery(channel: delivery.channel, result: result.label)
        switch result {
        case .sent:
            logger.info("alert delivered", metadata: metadata)
        case .failed(_, _, let error):
            if let retryAt {
                NotificationMetrics.retry(channel: delivery.channel)
                logger.notice("alert delivery failed; will retry", metadata: metadata.merging(["error": "\(error)", "retryAt": "\(retryAt)"]) { $1 })
            } else {
                NotificationMetrics.delivery(channel: delivery.channel, result: "failed")
                logger.error("alert delivery given up", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            }
        }
    }
}
