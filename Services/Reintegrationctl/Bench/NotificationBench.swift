import AMQP
import ArgumentParser
import Contract
import Foundation
import Logging
import NotificationOperations
import Postgres

/// Alerts delivered per second by the running notification service to its mail relay.
///
/// Adds `--recipients` focal points of an agency of this run (`bench-…`) to the
/// directory, publishes `--requests` escalation alert requests for that agency on
/// `cluster.events` (as the escalation service would), and reads from the delivery record when each email was
/// accepted by the relay. Every alert is one email to one person; the bench rows are
/// removed afterwards. For a local cluster only. With `--mail-sink-port` the bench is
/// the relay itself (`BenchMailSink`, on the port the service sends to, whose own relay
/// is stopped meanwhile: `deploy/local/bench` does both), so the relay is not the limit.
struct NotificationBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notification",
        abstract: "Alert emails delivered per second to the local mail relay, as a ratio to the broker floor.",
        discussion: Bench.exitCodes)

    @OptionGroup var targets: BenchTargets

    @Option(help: "Alert requests to publish.")
    var requests = 1_000

    @Option(help: "Focal points of the bench agency: emails per request.")
    var recipients = 2

    @Option(help: "Be the mail relay on this port of 127.0.0.1 (the notification service's SMTP_URL port, its relay stopped).")
    var mailSinkPort: Int?

    struct Figures: Sendable {
        var alerts: Int
        var rate: Double
        var p50: Double
        var p99: Double
        /// What the bench's own relay saw, when it was the relay.
        var sink: BenchMailSink.Counts?

        /// How many emails the relay sessions carried, when the bench was the relay.
        var sessionsNote: String {
            guard let sink else { return "" }
            return "\(sink.messages) emails in \(sink.sessions) SMTP sessions"
        }
    }

    func run() async throws {
        try await Bench.reporting {
            var logger = Logger(label: "bench")
            logger.logLevel = .warning
            let amqp = try AMQPConfiguration(url: targets.amqp(), connectionName: "bench")
            let floor = try await MessagingBench.measureFloor(
                amqp: amqp, messages: 10_000, body: [UInt8](repeating: UInt8(ascii: "x"), count: 1024), logger: logger)
            print(floor.line(name: "broker floor"))
            let figures = try await Self.measure(
                amqp: amqp, database: try PostgresConfiguration(url: targets.database()), requests: requests, recipients: recipients,
                mailSinkPort: mailSinkPort, logger: logger)
            print(String(format: "notification: %d alerts, %.0f alerts/s (ratio %.3f), request → relay accepted p50 %.0f ms, p99 %.0f ms",
                         figures.alerts, figures.rate, figures.rate / floor.rate, figures.p50, figures.p99)
                + (figures.sink == nil ? "" : "; \(figures.sessionsNote)"))
        }
    }

    static func measure(
        amqp: AMQPConfiguration, database: PostgresConfiguration, requests: Int, recipients: Int, mailSinkPort: Int? = nil,
        logger: Logger
    ) async throws -> Figures {
        let batch = "bench:\(UUID().uuidString.prefix(8).lowercased())"
        let pool = PostgresPool(configuration: database, size: 1, logger: logger)
        let people = (0..<recipients).map { _ in UUID() }
        var sink: BenchMailSink?
        do {
            if let mailSinkPort { sink = try await BenchMailSink.start(port: mailSinkPort) }
        } catch {
            await pool.shutdown()
            throw ValidationError("the bench could not be the mail relay on 127.0.0.1:\(mailSinkPort ?? 0) (is another relay still listening there?): \(error)")
        }
        do {
            var figures = try await measure(
                batch: batch, people: people, amqp: amqp, pool: pool, requests: requests, sink: sink, logger: logger)
            figures.sink = sink?.counts
            await sink?.stop()
            return figures
        } catch {
            await sink?.stop()
            await pool.shutdown()
            throw error
        }
    }

    private static func measure(
        batch: String, people: [UUID], amqp: AMQPConfiguration, pool: PostgresPool, requests: Int, sink: BenchMailSink?,
        logger: Logger
    ) async throws -> Figures {
        let rows = benchRows(batch)
        try await pool.withTransaction { connection in
            for (index, id) in people.enumerated() {
                try rows.addFocalPoint(
                    id: id, name: "Bench \(index)", email: "\(batch.dropFirst(6))-\(index)@bench.example",
                    language: index % 2 == 0 ? "az" : "en", on: connection)
            }
        }
        do {
            let figures = try await publishAndWait(
                batch: batch, amqp: amqp, pool: pool, requests: requests, expected: requests * people.count, sink: sink, logger: logger)
            try await pool.withTransaction { try rows.remove(recipients: people, on: $0) }
            await pool.shutdown()
            return figures
        } catch {
            try? await pool.withTransaction { try rows.remove(recipients: people, on: $0) }
            throw error
        }
    }

    private static func publishAndWait(
        batch: String, amqp: AMQPConfiguration, pool: PostgresPool, requests: Int, expected: Int, sink: BenchMailSink?,
        logger: Logger
    ) async throws -> Figures {
        let connection = try await AMQPConnection.connect(amqp, logger: logger)
        let start = Date()
        for chunk in stride(from: 0, to: requests, by: 200) {
            let messages = try (chunk..<min(requests, chunk + 200)).map { index in
                let request = NotificationRequest(
                    kind: .escalation, deliveryKey: "\(batch):\(index)", audiences: [.focalPoints], agency: agency(batch),
                    caseId: UUID(), referralId: UUID(), step: 3, deadline: Date(), lateBySeconds: 0,
                    personInitials: "B.B.", requestedAt: Date())
                return OutgoingMessage(
                    exchange: ExchangeName.clusterEvents, routingKey: EventRoutingKey.notification(.escalation),
                    properties: .persistentJSON(messageId: request.deliveryKey, type: MessageType.notificationRequest),
                    body: try ContractCoding.encode(request))
            }
            let outcomes = try await connection.publish(messages)
            guard outcomes.allSatisfy({ $0 == .confirmed }) else {
                await connection.close()
                throw ValidationError("the broker did not confirm the alert requests (is the notification service's topology declared?)")
            }
        }
        await connection.close()
        let rows = benchRows(batch)
        var sent = 0
        while sent < expected {
            if Date().timeIntervalSince(start) > 600 {
                throw ValidationError(
                    "only \(max(sent, sink?.counts.messages ?? 0)) of \(expected) alerts were delivered within 10 minutes (is the mail relay running?)")
            }
            try await Task.sleep(for: .milliseconds(200))
            // As the relay, the bench counts what arrived without asking the database it measures.
            if let sink, sink.counts.messages < expected { continue }
            sent = try await pool.withConnection { try rows.sentCount(on: $0) }
        }
        let timings = try await pool.withConnection { try rows.timings(on: $0) }
        let latencies = LatencyRecorder()
        for timing in timings { latencies.record(milliseconds: (timing.sentAt - timing.requestedAt) * 1000) }
        let last = timings.map(\.sentAt).max() ?? start.timeIntervalSince1970
        let rate = Double(timings.count) / max(0.001, last - start.timeIntervalSince1970)
        return Figures(alerts: timings.count, rate: rate, p50: latencies.percentile(0.5), p99: latencies.percentile(0.99))
    }

    /// An agency code of this run only, so no other alert (the escalation bench's, say)
    /// resolves to the bench recipients.
    private static func agency(_ batch: String) -> String { "bench-\(batch.dropFirst(6))" }

    /// The run's rows in the notification schema: its focal points, and its alerts by delivery key.
    private static func benchRows(_ batch: String) -> NotificationBenchRows {
        NotificationBenchRows(agency: agency(batch), deliveryKeyPrefix: "\(batch):")
    }
}
