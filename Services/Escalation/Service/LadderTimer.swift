import AMQP
import Contract
import EscalationDomain
import EscalationOperations
import Foundation
import Logging
import Messaging
import Metrics
import Postgres
import ServiceLifecycle

/// Fires ladder steps when their moment comes: a durable timer on the database.
///
/// Each round claims the due steps in one transaction (`FOR UPDATE SKIP LOCKED`, oldest
/// moment first; `workers` rounds run at once, each claiming other rows), marks them fired, records an escalation event for each and enqueues the
/// alert through the outbox; then it sleeps until the earliest pending moment, at most
/// `maximumSleep`, or until a NOTIFY on `escalation_steps` says new steps were planned.
/// Steps whose moment passed while no timer ran fire on the first round, in order, and are
/// recorded as late. A step is fired in the same transaction that marks it, so it fires at
/// most once however many instances run.
final class LadderTimer: Service, Sendable {
    struct Settings: Sendable {
        /// Steps claimed per transaction.
        var batchSize = 2_000
        /// Rounds running at once: a burst drains in parallel transactions.
        var workers = 2
        /// The longest sleep between rounds: bounds how late a missed notification makes a step.
        var maximumSleep: Duration = .seconds(1)
        /// Pause when steps are overdue but another timer holds them all.
        var contendedPause: Duration = .milliseconds(50)
        /// How often the open-ladders gauge is recounted.
        var openLaddersRefresh: Duration = .seconds(15)
        init() {}
    }

    private let store: EscalationStore
    private let outbox: Outbox
    private let pool: PostgresPool
    private let listenerConfiguration: PostgresConfiguration
    private let logger: Logger
    private let settings: Settings
    /// One per worker: a `WakeSignal` wakes a single waiter.
    private let wakes: [WakeSignal]
    private let firedOnTime = Counter(label: "escalation_steps_fired_total", dimensions: [("timing", "on-time")])
    private let firedLate = Counter(label: "escalation_steps_fired_total", dimensions: [("timing", "late")])
    private let openLadders = Gauge(label: "escalation_open_ladders")
    private let oldestDueLateness = Gauge(label: "escalation_oldest_due_lateness_seconds")

    init(
        store: EscalationStore, outbox: Outbox, pool: PostgresPool, listenerConfiguration: PostgresConfiguration,
        logger: Logger, settings: Settings = Settings()
    ) {
        self.store = store
        self.outbox = outbox
        self.pool = pool
        self.listenerConfiguration = listenerConfiguration
        self.logger = logger
        self.settings = settings
        wakes = (0..<max(1, settings.workers)).map { _ in WakeSignal() }
    }

    func run() async throws {
        // Any notification, and every (re)connect, wakes the workers to re-scan.
        let poller = NotifiedPoller(
            channel: EscalationChannels.steps, listenerConfiguration: listenerConfiguration, signals: wakes, logger: logger)
        await poller.run {
            await withTaskGroup(of: Void.self) { group in
                for (worker, wake) in wakes.enumerated() {
                    group.addTask { await self.fireUntilShutdown(wake: wake, countsOpenLadders: worker == 0) }
                }
            }
        }
    }

    /// One worker's loop. Several run at once so a burst is fired in parallel batches (each
    /// claims different rows: `SKIP LOCKED`); when nothing is due they all sleep until the
    /// earliest moment, and whichever claims first fires it.
    private func fireUntilShutdown(wake: WakeSignal, countsOpenLadders: Bool) async {
        var lastCount: ContinuousClock.Instant?
        await NotifiedPoller.poll(wake: wake) {
            if countsOpenLadders, lastCount.map({ ContinuousClock.now - $0 >= settings.openLaddersRefresh }) ?? true {
                await countOpenLadders()
                lastCount = .now
            }
            // The database is failing: retry at the slow pace, not in a tight loop.
            guard let fired = await fireDueSteps() else { return settings.maximumSleep }
            if fired >= settings.batchSize { return .zero }
            return await pauseBeforeNextRound(firedAny: fired > 0)
        }
    }

    /// One round: fires the due steps (up to a batch) in one transaction and returns how
    /// many fired, or nil when it failed (logged; the steps stay pending for a later round).
    @discardableResult
    func fireDueSteps() async -> Int? {
        let store = store
        let outbox = outbox
        let limit = settings.batchSize
        let fired: [FiredStep]
        do {
            fired = try await pool.withTransaction { connection in
                let steps = try store.fireDueSteps(limit: limit, on: connection)
                let alerts = try steps.map { step in
                    let request = step.due.notificationRequest(firedAt: step.firedAt)
                    return OutgoingMessage(
                        exchange: ExchangeName.clusterEvents, routingKey: EventRoutingKey.notification(.escalation),
                        properties: .persistentJSON(messageId: request.deliveryKey, type: MessageType.notificationRequest),
                        body: try ContractCoding.encode(request))
                }
                try outbox.enqueue(contentsOf: alerts, on: connection)
                return steps
            }
        } catch {
            logger.warning("firing due ladder steps failed; retrying next round", metadata: ["error": "\(error)"])
            return nil
        }
        if fired.count >= settings.batchSize, let oldest = fired.first {
            // A backlog: the next round starts at once, so measure the wait here.
            oldestDueLateness.record(oldest.due.delay(firedAt: oldest.firedAt))
        }
        for step in fired {
            (step.late ? firedLate : firedOnTime).increment()
            if !step.unknownAudiences.isEmpty {
                logger.error("ladder step names audiences the contract does not know; alerted the others", metadata: [
                    "referralId": "\(ContractID.text(step.due.referralId))", "step": "\(step.due.step)",
                    "unknownAudiences": "\(step.unknownAudiences.joined(separator: ","))",
                ])
            }
            logger.info("escalation fired", metadata: [
                "referralId": "\(ContractID.text(step.due.referralId))", "caseId": "\(ContractID.text(step.due.caseId))", "agency": "\(step.due.agency)",
                "step": "\(step.due.step)", "late": "\(step.late)",
                "delaySeconds": "\(String(format: "%.3f", step.due.delay(firedAt: step.firedAt)))",
            ])
        }
        return fired.count
    }

    /// How long to sleep: until the earliest pending moment, at most `maximumSleep`; a
    /// short pause when steps are overdue yet none could be claimed (another timer holds
    /// them). Also records how overdue the oldest pending step is.
    private func pauseBeforeNextRound(firedAny: Bool) async -> Duration {
        let store = store
        let seconds: Double?
        do {
            seconds = try await pool.withConnection { connection in try store.secondsUntilNextMoment(on: connection) }
        } catch {
            logger.warning("reading the next ladder moment failed", metadata: ["error": "\(error)"])
            return settings.maximumSleep
        }
        guard let seconds else {
            oldestDueLateness.record(0)
            return settings.maximumSleep
        }
        oldestDueLateness.record(max(0, -seconds))
        if seconds <= 0 { return firedAny ? .zero : settings.contendedPause }
        // A few milliseconds past the moment, so the next claim finds the step due.
        return min(.milliseconds(Int64((seconds * 1000).rounded(.up)) + 2), settings.maximumSleep)
    }

    private func countOpenLadders() async {
        let store = store
        do {
            let count = try await pool.withConnection { connection in try store.openLadderCount(on: connection) }
            openLadders.record(count)
        } catch {
            logger.warning("counting open ladders failed", metadata: ["error": "\(error)"])
        }
    }
}
