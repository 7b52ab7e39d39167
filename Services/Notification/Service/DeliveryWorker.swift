import AMQP
import Contract
import Foundation
import Logging
import Messaging
import NotificationDomain
import Postgres
import Retry
import ServiceLifecycle

/// Sends due deliveries: leases them with `FOR UPDATE SKIP LOCKED` (several instances
/// share the work), renders each in its recipient's language, sends it off the
/// cooperative pool, records the attempt, and retries, waits behind a circuit or gives
/// up by policy. A failure counts where it is: against the SMTP relay or a webhook
/// receiver's host (whose deliveries then wait for a probe), or against one person.
/// A delivery that finally fails is reported to the operators through the outbox,
/// except when it was itself an operator report (no report loops).
final class DeliveryWorker: Service, Sendable {
    struct Settings: Sendable {
        var retry = RetryPolicy()
        var circuit = CircuitBreakerPolicy()
        var pollInterval: Duration = .seconds(1)
        var batchSize = 64
        var lease: Duration = .seconds(300)
    }

    private let store: DeliveryStore
    private let circuits: CircuitStore
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
        self.circuits = CircuitStore(schema: store.schema)
        self.outbox = outbox
        self.pool = pool
        self.templates = templates
        self.sender = sender
        self.settings = settings
        self.logger = logger
    }

    func run() async throws {
        logger.info("delivery worker started", metadata: ["templates": "\(templates.source)"])
        await cancelWhenGracefulShutdown { [self] in
            await withTaskGroup(of: Void.self) { group in
                await deliverContinuously(in: &group)
            }
        }
        await sender.shutdown()
        logger.info("delivery worker stopped")
    }

    /// Keeps up to `batchSize` deliveries in flight: once half of them have ended it claims
    /// as many as there are free places, so no send waits for the slowest of a batch.
    /// When a claim finds fewer than it asked (nothing more is due), the next one waits
    /// until every send in flight has ended, then polls.
    private func deliverContinuously(in group: inout TaskGroup<Void>) async {
        let capacity = settings.batchSize
        var inFlight = 0
        var dueLeft = true
        while !Task.isCancelled {
            let free = capacity - inFlight
            if inFlight == 0 || (dueLeft && free * 2 >= capacity) {
                do {
                    let claimed = try await claim(limit: free)
                    for delivery in claimed {
                        group.addTask { await self.deliver(delivery) }
                    }
                    inFlight += claimed.count
                    dueLeft = claimed.count == free
                } catch is CancellationError {
                    break
                } catch {
                    logger.warning("claiming due deliveries failed; retrying", metadata: ["error": "\(error)"])
                    dueLeft = false
                }
                if inFlight == 0 {
                    do { try await Task.sleep(for: settings.pollInterval) } catch { break }
                    dueLeft = true
                    continue
                }
            }
            if await group.next() != nil { inFlight -= 1 }
        }
    }

    /// Claims one batch of due deliveries and handles each; returns how many it claimed.
    @discardableResult
    func runOnce() async throws -> Int {
        let claimed = try await claim(limit: settings.batchSize)
        await withTaskGroup(of: Void.self) { group in
            for delivery in claimed {
                group.addTask { await self.deliver(delivery) }
            }
        }
        return claimed.count
    }

    /// Leases up to `limit` due deliveries, and samples the circuit and lag gauges.
    private func claim(limit: Int) async throws -> [ClaimedDelivery] {
        let store = store
        let circuits = circuits
        let lease = settings.lease
        let relay = sender.relayCircuit
        let (claimed, open, lag) = try await pool.withTransaction { connection in
            (
                try store.claim(limit: limit, lease: lease, relay: relay, on: connection),
                try circuits.open(relay: relay, on: connection), try store.queueLag(on: connection)
            )
        }
        NotificationMetrics.openCircuits(shared: open.shared, people: open.people)
        NotificationMetrics.queueLag(seconds: lag)
        return claimed
    }

    private func deliver(_ claimed: ClaimedDelivery) async {
        let store = store
        let circuits = circuits
        // Nobody to send to any more: closed, neither an attempt nor a failure.
        if !claimed.recipientActive || (claimed.channel == .webhook && claimed.webhookURL == nil) {
            let reason = claimed.recipientActive ? "webhook removed" : "recipient inactive"
            await persist("cancel", claimed) { connection in
                try store.cancel(claimed, reason: reason, on: connection)
                try circuits.releaseProbe(of: claimed, on: connection)
            }
            return
        }
        var current = claimed
        if let since = claimed.inDoubtSince {
            guard await settleInDoubt(claimed, since: since) else { return }
            current.previousAttempts += 1
            current.heldAttempts += 1
            current.inDoubtSince = nil
        }
        let delivery = current
        let alert: RenderedAlert
        do {
            alert = try templates.render(delivery.request, language: delivery.language)
        } catch {
            let now = Date()
            await finish(delivery, result: .failed(.permanent, .alert, responseCode: nil, error: error.description), startedAt: now, finishedAt: now)
            return
        }
        // Recorded before the hand-over: if the outcome cannot be stored afterwards, the
        // next worker knows this one may have arrived and does not send an email again.
        guard await persist("mark", delivery, transaction: false, { connection in try store.markSending(delivery, on: connection) }) != nil
        else { return }
        let startedAt = Date()
        let result = await sender.send(alert, for: delivery, now: startedAt)
        if result == .notAttempted {
            await persist("release", delivery) { connection in
                try store.release(delivery, on: connection)
                try circuits.releaseProbe(of: delivery, on: connection)
            }
            return
        }
        await finish(delivery, result: result, startedAt: startedAt, finishedAt: Date())
    }

    /// An earlier hand-over of `delivery` never recorded its outcome. An email is closed as
    /// unconfirmed (it may have arrived); a webhook goes again, as receivers deduplicate.
    /// - Returns: whether to send now.
    private func settleInDoubt(_ delivery: ClaimedDelivery, since: Date) async -> Bool {
        let store = store
        let circuits = circuits
        let stored = await persist("in-doubt", delivery) { connection -> Bool in
            try store.recordInDoubt(delivery, since: since, now: Date(), on: connection)
            if delivery.channel == .email { try circuits.releaseProbe(of: delivery, on: connection) }
            return true
        }
        guard stored == true else { return false }
        if delivery.channel == .email {
            NotificationMetrics.delivery(channel: delivery.channel, result: "unconfirmed")
            logger.error("alert hand-over outcome unknown; not sent again", metadata: metadata(for: delivery))
            return false
        }
        logger.warning("alert hand-over outcome unknown; posting again", metadata: metadata(for: delivery))
        return true
    }

    /// Records the attempt, moves the delivery on and counts the result against its circuit,
    /// in one transaction; reports a delivery given up to the operators.
    private func finish(_ delivery: ClaimedDelivery, result: AttemptResult, startedAt: Date, finishedAt: Date) async {
        let store = store
        let circuits = circuits
        if case .sent(let responseCode) = result {
            // The common case, in one statement.
            let closed = await persist("record", delivery, attempts: 3, transaction: false) { connection in
                try store.recordSent(delivery, responseCode: responseCode, startedAt: startedAt, finishedAt: finishedAt, on: connection)
            }
            if closed == true, let circuit = delivery.circuit { logCircuits((.closed(circuit: circuit), nil), delivery: delivery) }
            log(result, outcome: .sent, delivery: delivery)
            return
        }
        let outcome = decide(after: result, for: delivery, now: finishedAt)
        let policy = settings.circuit
        let outbox = outbox
        let changes = await persist("record", delivery, attempts: 3) { connection in
            try store.record(result, outcome: outcome, for: delivery, startedAt: startedAt, finishedAt: finishedAt, on: connection)
            let changes = try circuits.note(result, for: delivery, policy: policy, now: finishedAt, on: connection)
            if outcome == .failed, delivery.request.kind != .operatorReport {
                try OperatorReport.enqueue(
                    about: delivery.request, key: "operator-report:\(ContractID.text(delivery.id))", problem: .deliveryFailed,
                    at: finishedAt, outbox: outbox, on: connection)
            }
            return changes
        }
        if let changes { logCircuits(changes, delivery: delivery) }
        log(result, outcome: outcome, delivery: delivery)
    }

    /// What becomes of the delivery after `result`.
    private func decide(after result: AttemptResult, for delivery: ClaimedDelivery, now: Date) -> DeliveryOutcome {
        guard case .failed(let failure, let site, _, _) = result else { return .sent }
        if site.isShared, failure == .transient {
            return settings.retry.keepsWaiting(firstAttemptAt: delivery.firstAttemptAt, now: now) ? .waiting : .failed
        }
        switch settings.retry.decision(afterAttempt: delivery.countedAttempt, failure: failure, firstAttemptAt: delivery.firstAttemptAt, now: now) {
        case .retry(let at): return .retry(at: at)
        case .giveUp: return .failed
        }
    }

    /// The pause before writing again after a failed write: 500 ms, then 1 s.
    private static let persistBackoff = Backoff(initial: .milliseconds(250), maximum: .seconds(2))

    /// Writes in its own task, so a shutdown arriving mid-send cannot cancel the record of
    /// a message that already left; tries `attempts` times, as a database that fails for a
    /// moment must not leave a sent email in doubt. `transaction: false` runs `body`
    /// without BEGIN and COMMIT: for a single statement, which is atomic by itself.
    @discardableResult
    private func persist<T: Sendable>(
        _ what: String, _ delivery: ClaimedDelivery, attempts: Int = 1, transaction: Bool = true,
        _ body: @escaping @Sendable (PostgresConnection) throws -> T
    ) async -> T? {
        let pool = pool
        let result: Result<T, any Error> = await Task {
            var failure: any Error = CancellationError()
            for attempt in 1...max(1, attempts) {
                do {
                    return .success(transaction ? try await pool.withTransaction(body) : try await pool.withConnection(body))
                } catch {
                    failure = error
                    if attempt < attempts { try? await Task.sleep(for: Self.persistBackoff.ceiling(attempt: attempt)) }
                }
            }
            return .failure(failure)
        }.value
        switch result {
        case .success(let value):
            return value
        case .failure(let error):
            // The lease expires and the delivery is claimed again.
            logger.error("delivery outcome not stored", metadata: metadata(for: delivery).merging(["step": "\(what)", "error": "\(error)"]) { $1 })
            return nil
        }
    }

    /// The ids a delivery's log lines carry: the referral and case first.
    private func metadata(for delivery: ClaimedDelivery) -> Logger.Metadata {
        [
            "referralId": "\(delivery.request.referralId.map(ContractID.text) ?? "-")",
            "caseId": "\(delivery.request.caseId.map(ContractID.text) ?? "-")",
            "deliveryId": "\(ContractID.text(delivery.id))", "deliveryKey": "\(delivery.request.deliveryKey)",
            "channel": "\(delivery.channel.rawValue)",
        ]
    }

    private func logCircuits(_ changes: (shared: CircuitStore.Change, personPausedUntil: Date?), delivery: ClaimedDelivery) {
        switch changes.shared {
        case .none:
            break
        case .open(let circuit, let nextProbe):
            logger.warning("circuit open: deliveries through this endpoint wait for a probe", metadata: metadata(for: delivery).merging([
                "circuit": "\(circuit)", "nextProbe": "\(Timestamp.format(nextProbe))",
            ]) { $1 })
        case .closed(let circuit):
            logger.notice("circuit closed: the endpoint answers again", metadata: metadata(for: delivery).merging(["circuit": "\(circuit)"]) { $1 })
        }
        if let until = changes.personPausedUntil {
            logger.warning("recipient endpoint paused after repeated refusals", metadata: metadata(for: delivery).merging([
                "recipientId": "\(ContractID.text(delivery.recipientId))", "until": "\(Timestamp.format(until))",
            ]) { $1 })
        }
    }

    private func log(_ result: AttemptResult, outcome: DeliveryOutcome, delivery: ClaimedDelivery) {
        let metadata = metadata(for: delivery).merging(["attempt": "\(delivery.previousAttempts + 1)", "result": "\(result.label)"]) { $1 }
        NotificationMetrics.delivery(channel: delivery.channel, result: result.label)
        guard case .failed(_, let site, _, let error) = result else {
            logger.info("alert delivered", metadata: metadata)
            return
        }
        let failure = metadata.merging(["error": "\(error)", "site": "\(site.rawValue)"]) { $1 }
        switch outcome {
        case .sent:
            break
        case .retry(let at):
            NotificationMetrics.retry(channel: delivery.channel)
            logger.notice("alert delivery failed; will retry", metadata: failure.merging(["retryAt": "\(Timestamp.format(at))"]) { $1 })
        case .waiting:
            logger.notice("alert delivery failed on a shared endpoint; waits for its circuit", metadata: failure)
        case .failed:
            NotificationMetrics.delivery(channel: delivery.channel, result: "failed")
            logger.error("alert delivery given up", metadata: failure)
        }
    }
}
