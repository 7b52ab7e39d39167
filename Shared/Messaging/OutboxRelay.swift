import AMQP
import Foundation
import Logging
import Metrics
import Postgres
import Retry
import ServiceLifecycle
import Synchronization

/// Publishes a service's outbox with publisher confirms and marks what the broker took.
///
/// It wakes at once on the outbox's NOTIFY, and also every `pollInterval` (a notification
/// can be missed across a reconnect, and failed publishes fall due again). Rows are
/// leased with `FOR UPDATE SKIP LOCKED`, so several instances share the work; a lease
/// left by a crashed instance expires and the rows are published again (receivers
/// deduplicate on `message_id`). On graceful shutdown it flushes what is pending.
///
/// Each row is settled on its own: the confirmed are marked published even when others
/// of the batch failed; the unconfirmed and the refused (a full queue nacks) are retried
/// with backoff, without holding up rows to other destinations; a row the client cannot
/// encode is set aside for good (`claimed_until` infinity, with the reason in `last_error`).
///
/// Up to `batchesInFlight` claimed batches wait for their confirms at once, so the next
/// batch is claimed and sent while the broker confirms the previous one. Claiming and
/// marking are each one statement (one round trip) in the common case.
public final class OutboxRelay: Service, Sendable {
    public struct Settings: Sendable {
        public var batchSize = 200
        /// Claimed batches published and awaiting confirms at the same time.
        public var batchesInFlight = 3
        public var pollInterval: Duration = .seconds(1)
        /// How long a claimed row is left to its instance before another may publish it.
        public var lease: Duration = .seconds(15)
        /// The pause before a row the broker did not take is tried again, by its attempts.
        public var retryBackoff = Backoff(initial: .seconds(1), maximum: .seconds(300))
        public var publishedRetention: Duration = .seconds(7 * 86_400)
        public var inboxRetention: Duration = .seconds(30 * 86_400)
        public init() {}
    }

    private let outbox: Outbox
    private let pool: PostgresPool
    private let listenerConfiguration: PostgresConfiguration
    private let publisher: any MessagePublisher
    private let logger: Logger
    private let settings: Settings
    /// Shared with the outbox, so this process's own commits wake the relay without NOTIFY.
    private let wake: WakeSignal
    private let metrics: any MetricsFactory
    private let published: Counter
    private let retried: Counter
    private let unencodable: Counter
    /// Destinations whose queue refused a publish (nacked: full, with `reject-publish`),
    /// with when it last did; forgotten at the next confirm there.
    private let refusals = Mutex<[OutboxDestination: ContinuousClock.Instant]>([:])

    public init(
        outbox: Outbox, pool: PostgresPool, listenerConfiguration: PostgresConfiguration, publisher: any MessagePublisher,
        logger: Logger, settings: Settings = Settings(), metrics: any MetricsFactory = MetricsSystem.factory
    ) {
        self.outbox = outbox
        self.pool = pool
        self.listenerConfiguration = listenerConfiguration
        self.publisher = publisher
        self.logger = logger
        self.settings = settings
        self.metrics = metrics
        wake = outbox.relayWake ?? WakeSignal()
        published = Counter(label: "outbox_published_total", dimensions: [("schema", outbox.schema)], factory: metrics)
        retried = Counter(label: "outbox_retried_total", dimensions: [("schema", outbox.schema)], factory: metrics)
        unencodable = Counter(label: "outbox_unencodable_total", dimensions: [("schema", outbox.schema)], factory: metrics)
    }

    /// The destinations that refused a publish within the last `within` and have not
    /// confirmed one since, for `/readyz`: a full queue blocks only its own messages.
    public func refusedDestinations(within: Duration = .seconds(600)) -> [OutboxDestination] {
        let now = ContinuousClock.now
        return refusals.withLock { refusals in
            refusals.filter { now - $0.value < within }.keys.sorted()
        }
    }

    public func run() async throws {
        let poller = NotifiedPoller(
            channel: outbox.channel, listenerConfiguration: listenerConfiguration, signals: [wake], logger: logger)
        var lastMaintenance = ContinuousClock.now
        await poller.run {
            await withTaskGroup(of: Void.self) { group in
                var inFlight = 0
                await NotifiedPoller.poll(wake: wake) {
                    if inFlight >= max(settings.batchesInFlight, 1) {
                        await group.next()
                        inFlight -= 1
                        return .zero
                    }
                    let rows = await claim()
                    if rows.isEmpty {
                        if inFlight > 0 {
                            await group.next()
                            inFlight -= 1
                            return .zero
                        }
                        if ContinuousClock.now - lastMaintenance > .seconds(600) {
                            await prune()
                            lastMaintenance = .now
                        }
                        return settings.pollInterval
                    }
                    group.addTask { await self.publishAndMark(rows) }
                    inFlight += 1
                    return .zero
                }
                await group.waitForAll()
            }
        }
        // Flush what committed before the shutdown began, within a bounded time.
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline, await publishBatch() > 0 {}
    }

    /// Publishes one batch of due messages and marks the outcome; returns how many were claimed.
    @discardableResult
    public func publishBatch() async -> Int {
        let rows = await claim()
        guard !rows.isEmpty else { return 0 }
        await publishAndMark(rows)
        return rows.count
    }

    /// Leases up to a batch of due rows, in one statement.
    private func claim() async -> [OutboxRow] {
        let table = outbox.table
        let batchSize = settings.batchSize
        let lease = settings.lease / .seconds(1)
        do {
            return try await pool.withConnection { connection in
                try connection.query("""
                    UPDATE \(table) SET claimed_until = now() + make_interval(secs => $2), attempts = attempts + 1
                    WHERE id IN (
                        SELECT id FROM \(table)
                        WHERE published_at IS NULL AND (claimed_until IS NULL OR claimed_until <= now())
                        ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
                    RETURNING id, exchange, routing_key, message_id, message_type, content_type, correlation_id,
                              reply_to, headers::text AS headers, body, drop_if_unroutable, attempts
                    """, [.int(Int64(batchSize)), .double(lease)]).map(OutboxRow.init).sorted { $0.id < $1.id }
            }
        } catch {
            logger.warning("outbox claim failed", metadata: ["error": "\(error)"])
            return []
        }
    }

    /// Publishes claimed rows and settles each by its own outcome.
    private func publishAndMark(_ rows: [OutboxRow]) async {
        let table = outbox.table
        let outcomes: [PublishOutcome]
        do {
            outcomes = try await publisher.publish(rows.map(\.message))
        } catch {
            // The leases expire and the rows are published again later.
            logger.warning("outbox publish failed", metadata: ["error": "\(error)", "messages": "\(rows.count)"])
            return
        }
        var done: [Int64] = []
        var dropped: [(Int64, String)] = []
        var again: [(Int64, Int, String)] = []
        var setAside: [(Int64, String)] = []
        var confirmedAt = Set<OutboxDestination>()
        var refusedAt: [OutboxDestination: Int] = [:]
        var refusedAttempts: [OutboxDestination: Int] = [:]
        for (row, outcome) in zip(rows, outcomes) {
            let destination = OutboxDestination(exchange: row.message.exchange, routingKey: row.message.routingKey)
            switch outcome {
            case .confirmed:
                done.append(row.id)
                confirmedAt.insert(destination)
            case .returned(let code, let text) where row.dropIfUnroutable:
                dropped.append((row.id, "unroutable: \(code) \(text)"))
            case .returned(let code, let text):
                again.append((row.id, row.attempts, "unroutable: \(code) \(text)"))
            case .nacked:
                again.append((row.id, row.attempts, "refused by the broker (nacked; is the queue full?)"))
                refusedAt[destination, default: 0] += 1
                refusedAttempts[destination] = max(refusedAttempts[destination] ?? 0, row.attempts)
            case .refused(let code, let text):
                again.append((row.id, row.attempts, "refused by the broker: \(code) \(text)"))
            case .unconfirmed(let error):
                again.append((row.id, row.attempts, "unconfirmed: \(error)"))
            case .unencodable(let reason):
                setAside.append((row.id, "unencodable: \(reason)"))
                logger.error("outbox message cannot be encoded; set aside, never published", metadata: [
                    "outboxId": "\(row.id)", "messageId": "\(row.message.properties.messageId ?? "-")",
                    "exchange": "\(row.message.exchange)", "routingKey": "\(row.message.routingKey)", "reason": "\(reason)",
                ])
            }
        }
        for (id, _, reason) in again {
            logger.warning("outbox message not taken; will retry", metadata: ["outboxId": "\(id)", "reason": "\(reason)"])
        }
        noteRefusals(refused: refusedAt, confirmed: confirmedAt.subtracting(refusedAt.keys))
        let finished = done
        let droppedRows = dropped
        let retryRows = again
        let setAsideRows = setAside
        let deferredDestinations = refusedAttempts
        let markFinished = "UPDATE \(table) SET published_at = now(), claimed_until = NULL, last_error = NULL WHERE id = ANY($1::bigint[])"
        let finishedIds = PostgresValue.text("{" + finished.map(String.init).joined(separator: ",") + "}")
        do {
            if droppedRows.isEmpty && setAsideRows.isEmpty && retryRows.isEmpty && deferredDestinations.isEmpty {
                // The common case: everything confirmed, one statement, no transaction needed.
                try await pool.withConnection { connection in
                    try connection.execute(markFinished, [finishedIds])
                }
            } else {
                try await markMixed(
                    finished: finished.isEmpty ? nil : (markFinished, finishedIds), dropped: droppedRows, setAside: setAsideRows,
                    retry: retryRows, deferred: deferredDestinations)
            }
        } catch {
            // Published but not marked: published again after the lease; receivers deduplicate.
            logger.warning("outbox mark failed", metadata: ["error": "\(error)"])
        }
        published.increment(by: finished.count + droppedRows.count)
        retried.increment(by: retryRows.count)
        unencodable.increment(by: setAsideRows.count)
    }

    /// Marks a batch with failures among its rows, in one transaction.
    private func markMixed(
        finished: (sql: String, ids: PostgresValue)?, dropped droppedRows: [(Int64, String)], setAside setAsideRows: [(Int64, String)],
        retry retryRows: [(Int64, Int, String)], deferred deferredDestinations: [OutboxDestination: Int]
    ) async throws {
        let table = outbox.table
        try await pool.withTransaction { connection in
            if let finished {
                try connection.execute(finished.sql, [finished.ids])
            }
            for (id, reason) in droppedRows {
                try connection.execute(
                    "UPDATE \(table) SET published_at = now(), claimed_until = NULL, last_error = $2 WHERE id = $1",
                    [.int(id), .text(reason)])
            }
            for (id, reason) in setAsideRows {
                // Never claimed again, never pruned: an operator can look at it and release it.
                try connection.execute(
                    "UPDATE \(table) SET claimed_until = 'infinity', last_error = $2 WHERE id = $1",
                    [.int(id), .text(reason)])
            }
            for (id, attempts, reason) in retryRows {
                try connection.execute(
                    "UPDATE \(table) SET claimed_until = now() + make_interval(secs => $2), last_error = $3 WHERE id = $1",
                    [.int(id), .double(self.retryDelay(attempts: attempts)), .text(reason)])
            }
            // The other rows waiting for a queue that refuses wait as long: batches then go
            // to the destinations that take messages instead of being filled with doomed ones.
            for (destination, attempts) in deferredDestinations {
                try connection.execute("""
                    UPDATE \(table) SET claimed_until = now() + make_interval(secs => $3)
                    WHERE published_at IS NULL AND exchange = $1 AND routing_key = $2
                      AND (claimed_until IS NULL OR claimed_until < now() + make_interval(secs => $3))
                    """, [.text(destination.exchange), .text(destination.routingKey), .double(self.retryDelay(attempts: attempts))])
            }
        }
    }

    /// Seconds before a row claimed `attempts` times is due again: the ceiling of the
    /// cluster's backoff, so every row of a refusing destination waits as long.
    private func retryDelay(attempts: Int) -> Double {
        settings.retryBackoff.ceiling(attempt: attempts) / .seconds(1)
    }

    private func noteRefusals(refused: [OutboxDestination: Int], confirmed: Set<OutboxDestination>) {
        guard !refused.isEmpty || !confirmed.isEmpty else { return }
        let now = ContinuousClock.now
        let newlyRefused = refusals.withLock { refusals -> [OutboxDestination] in
            for destination in confirmed { refusals.removeValue(forKey: destination) }
            var new: [OutboxDestination] = []
            for destination in refused.keys {
                if refusals.updateValue(now, forKey: destination) == nil { new.append(destination) }
            }
            return new
        }
        for (destination, count) in refused {
            Counter(
                label: "outbox_refused_total",
                dimensions: [("schema", outbox.schema), ("exchange", destination.exchange), ("routing_key", destination.routingKey)],
                factory: metrics
            ).increment(by: count)
        }
        for destination in newlyRefused {
            logger.warning("the broker refuses messages for a destination (queue full?); they wait in the outbox", metadata: [
                "exchange": "\(destination.exchange)", "routingKey": "\(destination.routingKey)",
            ])
        }
    }

    private func prune() async {
        let schema = PostgresIdentifier.quoted(outbox.schema)
        let publishedSeconds = Int64(settings.publishedRetention.components.seconds)
        let inboxSeconds = Int64(settings.inboxRetention.components.seconds)
        do {
            try await pool.withTransaction { connection in
                try connection.execute(
                    "DELETE FROM \(schema).outbox WHERE published_at < now() - make_interval(secs => $1)", [.int(publishedSeconds)])
                try connection.execute(
                    "DELETE FROM \(schema).inbox WHERE received_at < now() - make_interval(secs => $1)", [.int(inboxSeconds)])
            }
        } catch {
            logger.warning("outbox pruning failed", metadata: ["error": "\(error)"])
        }
    }
}

/// One leased outbox row.
struct OutboxRow: Sendable {
    var id: Int64
    var message: OutgoingMessage
    var dropIfUnroutable: Bool
    var attempts: Int

    init(_ row: PostgresRow) throws {
        id = try row["id"].decode()
        dropIfUnroutable = try row["drop_if_unroutable"].decode()
        attempts = try row["attempts"].decode()
        let properties = MessageProperties(
            contentType: try row["content_type"].decodeIfPresent(),
            deliveryMode: 2,
            messageId: try row["message_id"].decode(),
            type: try row["message_type"].decodeIfPresent(),
            correlationId: try row["correlation_id"].decodeIfPresent(),
            replyTo: try row["reply_to"].decodeIfPresent(),
            headers: HeaderCoding.decode(try row["headers"].decode())
        )
        message = OutgoingMessage(
            exchange: try row["exchange"].decode(), routingKey: try row["routing_key"].decode(),
            properties: properties, body: try row["body"].decode())
    }
}
