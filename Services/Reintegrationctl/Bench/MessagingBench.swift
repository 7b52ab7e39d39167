import AMQP
import ArgumentParser
import Foundation
import Logging
import Messaging
import Postgres

/// The raw broker floor and the outbox → broker → inbox path, measured in one run.
///
/// Floor: persistent messages published in confirmed batches to a quorum queue and
/// consumed with manual acks, through rabbitmq-c, no database. Path: the same volume
/// written to an outbox in transactions, published by the relay, and applied through
/// a consumer with an inbox. Both rates and their ratio are printed; the ratio is the
/// figure to compare across machines.
struct MessagingBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "messaging",
        abstract: "Raw broker floor versus the outbox → broker → inbox path.",
        discussion: Bench.exitCodes)

    @OptionGroup var targets: BenchTargets

    @Option(help: "Messages per measurement.")
    var messages = 20_000

    @Option(help: "Body size in bytes.")
    var bodySize = 1024

    func run() async throws {
        try await Bench.reporting {
            var logger = Logger(label: "bench")
            logger.logLevel = .warning
            let amqp = try AMQPConfiguration(url: targets.amqp(), connectionName: "bench")
            let database = try PostgresConfiguration(url: targets.database())
            let body = [UInt8](repeating: UInt8(ascii: "x"), count: bodySize)

            print("messages: \(messages), body: \(bodySize) B")
            let floor = try await Self.measureFloor(amqp: amqp, messages: messages, body: body, logger: logger)
            print(floor.line(name: "broker floor"))
            let path = try await Self.measurePath(amqp: amqp, database: database, messages: messages, body: body, logger: logger)
            print(path.line(name: "outbox → inbox"))
            print(String(format: "ratio (path / floor): %.2f", path.rate / floor.rate))
        }
    }

    struct Figures: Sendable {
        var rate: Double
        var p50: Double
        var p99: Double

        func line(name: String) -> String {
            String(format: "%@: %.0f msg/s, latency p50 %.1f ms, p99 %.1f ms", name, rate, p50, p99)
        }
    }

    /// The raw broker floor: confirmed persistent publishes to a quorum queue, acked consumption.
    static func measureFloor(amqp: AMQPConfiguration, messages: Int, body: [UInt8], logger: Logger) async throws -> Figures {
        let queue = "bench.floor.\(UUID().uuidString.prefix(8).lowercased())"
        let connection = try await AMQPConnection.connect(amqp, topology: Topology(queues: [.quorum(queue)]), logger: logger)
        let consumerConnection = try await AMQPConnection.connect(amqp, logger: logger)
        let latencies = LatencyRecorder()
        let consumer = try await consumerConnection.consume(queue: queue, prefetch: 300)
        let total = messages
        let start = ContinuousClock.now
        let consuming = Task {
            var received = 0
            for try await delivery in consumer.deliveries {
                if let sent = delivery.properties.headers["x-sent-ms"]?.intValue {
                    latencies.record(milliseconds: wallClockMilliseconds() - Double(sent))
                }
                delivery.ack()
                received += 1
                if received == total { break }
            }
        }
        for chunk in stride(from: 0, to: total, by: 200) {
            let batch = (chunk..<min(total, chunk + 200)).map { index in
                OutgoingMessage(
                    exchange: "", routingKey: queue,
                    properties: .persistentJSON(messageId: "floor-\(index)", type: "bench", headers: ["x-sent-ms": .int(Int64(wallClockMilliseconds()))]),
                    body: body)
            }
            let outcomes = try await connection.publish(batch)
            guard outcomes.allSatisfy({ $0 == .confirmed }) else { throw ValidationError("the broker did not confirm the floor batch") }
        }
        try await consuming.value
        let elapsed = ContinuousClock.now - start
        try? await consumer.cancel()
        await consumerConnection.close()
        await connection.close()
        return Figures(rate: Double(total) / elapsed.seconds, p50: latencies.percentile(0.5), p99: latencies.percentile(0.99))
    }

    /// Applies each message once: the inbox row is the effect.
    struct CountingHandler: MessageHandler {
        let latencies: LatencyRecorder
        func handle(_ delivery: Delivery, in connection: PostgresConnection) throws -> HandlingOutcome {
            if let sent = delivery.properties.headers["x-sent-ms"]?.intValue {
                latencies.record(milliseconds: wallClockMilliseconds() - Double(sent))
            }
            return .applied
        }
    }

    static func measurePath(
        amqp: AMQPConfiguration, database: PostgresConfiguration, messages: Int, body: [UInt8], logger: Logger
    ) async throws -> Figures {
        let schema = "bench_\(UUID().uuidString.prefix(8).lowercased())"
        let queue = "bench.path.\(schema)"
        let pool = PostgresPool(configuration: database, size: 6, logger: logger)
        _ = try await Migrator(schema: schema, migrations: [MessagingMigration.version1], logger: logger).migrate(pool)
        let topology = Topology(queues: [.quorum(queue)])
        let publisher = AMQPClient(configuration: amqp, topology: topology, logger: logger)
        let consumerClient = AMQPClient(configuration: amqp, topology: topology, logger: logger)
        _ = try await publisher.connection()
        let latencies = LatencyRecorder()
        // The producers run in the relay's process, as a service's handlers do.
        let outbox = Outbox(schema: schema, relayWake: WakeSignal())
        // Cancelling them at the end is expected: only errors are worth a line.
        var quiet = logger
        quiet.logLevel = .error
        let relay = OutboxRelay(outbox: outbox, pool: pool, listenerConfiguration: database, publisher: publisher, logger: quiet)
        var consumerSettings = MessageConsumer.Settings()
        consumerSettings.prefetch = 300
        consumerSettings.batchSize = 100
        let consumer = MessageConsumer(
            queue: queue, consumerClient: consumerClient, publisher: publisher, pool: pool, inbox: Inbox(schema: schema),
            handler: CountingHandler(latencies: latencies), logger: quiet, settings: consumerSettings)
        let relayTask = Task { try await relay.run() }
        let consumerTask = Task { try await consumer.run() }

        let total = messages
        let start = ContinuousClock.now
        // Producers write the outbox in transactions of 100, two at a time.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<2 {
                group.addTask {
                    for chunk in stride(from: lane * 100, to: total, by: 200) {
                        try await pool.withTransaction { connection in
                            for index in chunk..<min(total, chunk + 100) {
                                try outbox.enqueue(OutgoingMessage(
                                    exchange: "", routingKey: queue,
                                    properties: .persistentJSON(messageId: "path-\(index)", type: "bench", headers: ["x-sent-ms": .int(Int64(wallClockMilliseconds()))]),
                                    body: body), on: connection)
                            }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        while latencies.count < total {
            try await Task.sleep(for: .milliseconds(20))
        }
        let elapsed = ContinuousClock.now - start
        relayTask.cancel()
        consumerTask.cancel()
        // The relay ends before the pool closes (the consumer stops with its client).
        _ = await relayTask.result
        await consumerClient.close()
        await publisher.close()
        _ = try? await pool.withConnection { connection in try connection.execute("DROP SCHEMA \(schema) CASCADE") }
        await pool.shutdown()
        return Figures(rate: Double(total) / elapsed.seconds, p50: latencies.percentile(0.5), p99: latencies.percentile(0.99))
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
