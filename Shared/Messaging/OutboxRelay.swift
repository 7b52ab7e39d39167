import AMQP
import Foundation
import Logging
import Metrics
import Postgres
import ServiceLifecycle

/// Publishes a service's outbox with publisher confirms and marks what the broker took.
///
/// It wakes at once on the outbox's NOTIFY, and also every `pollInterval` (a notification
/// can be missed across a reconnect, and failed publishes fall due again). Rows are
/// leased with `FOR UPDATE SKIP LOCKED`, so several instances share the work; a lease
/// left by a crashed instance expires and the rows are published again (receivers
/// deduplicate on `message_id`). On graceful shutdown it flushes what is pending.
public final class OutboxRelay: Service, Sendable {
    public struct Settings: Sendable {
        public var batchSize = 200
        public var pollInterval: Duration = .seconds(1)
        public var leaseSeconds = 15
        public var publishedRetention: Duration = .seconds(7 * 86_400)
        public var inboxRetention: Duration = .seconds(30 * 86_400)
        public init() {}
    }

    private let outbox: Outbox
    private let pool: PostgresPool
    private let listenerConfiguration: PostgresConfiguration
    private let publisher: AMQPClient
    private let logger: Logger
    private let settings: Settings
    private let wake = WakeSignal()
    private let published: Counter
    private let retried: Counter

    public init(
        outbox: Outbox, pool: PostgresPool, listenerConfiguration: PostgresConfiguration, publisher: AMQPClient,
        logger: Logger, settings: Settings = Settings()
    ) {
        self.outbox = outbox
        self.pool = pool
        self.listenerConfiguration = listenerConfiguration
        self.publisher = publisher
        self.logger = logger
        self.settings = settings
        published = Counter(label: "outbox_published_total", dimensions: [("schema", outbox.schema)])
        retried = Counter(label: "outbox_retried_total", dimensions: [("schema", outbox.schema)])
    }

    public func run() async throws {
        let listener = PostgresListener(configuration: listenerConfiguration, channels: [outbox.channel], logger: logger)
        let events = listener.events()
        let wake = wake
        let listening = Task {
            for await _ in events { wake.signal() }
        }
        var lastMaintenance = ContinuousClock.now
        await withGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let count = await publishBatch()
                if ContinuousClock.now - lastMaintenance > .seconds(600) {
                    await prune()
                    lastMaintenance = .now
                }
                if count < settings.batchSize { await wake.wait(timeout: settings.pollInterval) }
            }
        } onGracefulShutdown: {
            wake.signal()
        }
        // Flush what committed before the shutdown began, within a bounded time.
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline, await publishBatch() > 0 {}
        listener.stop()
        listening.cancel()
    }

    /// Publishes one batch of due messages; returns how many were claimed.
    @discardableResult
    public func publishBatch() async -> Int {
        let table = outbox.table
        let batchSize = settings.batchSize
        let lease = settings.leaseSeconds
        let rows: [OutboxRow]
        do {
            rows = try await pool.withTransaction { connection in
                try connection.query("""
                    UPDATE \(table) SET claimed_until = now() + make_interval(secs => $2), attempts = attempts + 1
                    WHERE id IN (
                        SELECT id FROM \(table)
                        WHERE published_at IS NULL AND (claimed_until IS NULL OR claimed_until <= now())
                        ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
                    RETURNING id, exchange, routing_key, message_id, message_type, content_type, correlation_id,
                              reply_to, headers::text AS headers, body, drop_if_unroutable, attempts
                    """, [.int(Int64(batchSize)), .int(Int64(lease))]).map(OutboxRow.init).sorted { $0.id < $1.id }
            }
        } catch {
            logger.warning("outbox claim failed", metadata: ["error": "\(error)"])
            return 0
        }
        guard !rows.isEmpty else { return 0 }

        let outcomes: [PublishOutcome]
        do {
            outcomes = try await publisher.publish(rows.map(\.message))
        } catch {
            // The leases expire and the rows are published again later.
            logger.warning("outbox publish failed", metadata: ["error": "\(error)", "messages": "\(rows.count)"])
            return 0
        }

        var done: [Int64] = []
        var dropped: [(Int64, String)] = []
        var again: [(Int64, Int, String)] = []
        for (row, outcome) in zip(rows, outcomes) {
            switch outcome {
            case .confirmed:
                done.append(row.id)
            case .returned(let code, let text) where row.dropIfUnroutable:
                dropped.append((row.id, "unroutable: \(code) \(text)"))
            case .returned(let code, let text):
                again.append((row.id, row.attempts, "unroutable: \(code) \(text)"))
            case .nacked:
                again.append((row.id, row.attempts, "nacked by the broker"))
            }
        }
        for (id, _, reason) in again {
            logger.warning("outbox message not taken; will retry", metadata: ["outboxId": "\(id)", "reason": "\(reason)"])
        }
        let finished = done
        let droppedRows = dropped
        let retryRows = again
        do {
            try await pool.withTransaction { connection in
                if !finished.isEmpty {
                    try connection.execute(
                        "UPDATE \(table) SET published_at = now(), claimed_until = NULL, last_error = NULL WHERE id = ANY($1::bigint[])",
                        [.text("{" + finished.map(String.init).joined(separator: ",") + "}")])
                }
                for (id, reason) in droppedRows {
                    try connection.execute(
                        "UPDATE \(table) SET published_at = now(), claimed_until = NULL, last_error = $2 WHERE id = $1",
                        [.int(id), .text(reason)])
                }
                for (id, attempts, reason) in retryRows {
                    // Bounded exponential backoff: 1 s, 2 s, 4 s … up to 5 minutes.
                    let delay = min(300, 1 << min(attempts, 9))
                    try connection.execute(
                        "UPDATE \(table) SET claimed_until = now() + make_interval(secs => $2), last_error = $3 WHERE id = $1",
                        [.int(id), .int(Int64(delay)), .text(reason)])
                }
            }
        } catch {
            // Published but not marked: published again after the lease; receivers deduplicate.
            logger.warning("outbox mark failed", metadata: ["error": "\(error)"])
        }
        published.increment(by: finished.count + droppedRows.count)
        retried.increment(by: retryRows.count)
        return rows.count
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
