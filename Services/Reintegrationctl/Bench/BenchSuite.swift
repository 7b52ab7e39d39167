import AMQP
import ArgumentParser
import Foundation
import Logging
import Postgres

/// `reintegrationctl bench suite`: every benchmark in one run on a running local cluster,
/// one table of figures, each throughput also as a ratio to the broker floor measured
/// first in the same run (shared machines are noisy; ratios travel, raw rates do not).
struct BenchSuite: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suite",
        abstract: "Run every benchmark in one go and print one table (ratios to the broker floor).",
        discussion: """
            Needs a running cluster (deploy/local/up): it publishes to the cluster's exchanges and \
            seeds rows marked 'bench' that it removes afterwards. Do not run it against production.
            \(Bench.exitCodes)
            """)

    @OptionGroup var targets: BenchTargets

    @Option(help: "Messages for the floor and the outbox → inbox path.")
    var messages = 20_000

    @Option(help: "SMS records for the intake and pipeline measurements.")
    var records = 2_000

    @Option(help: "Open ladder steps seeded for the escalation measurement.")
    var open = 1_000_000

    @Option(help: "Ladder steps falling due in the same second.")
    var due = 10_000

    @Option(help: "Alert requests for the notification measurement (two emails each).")
    var alerts = 1_000

    @Option(help: "Be the mail relay on this port of 127.0.0.1 for the notification measurement (see bench notification).")
    var mailSinkPort: Int?

    @Option(name: .customLong("paced-rate"), help: "Rates (records/s) of the paced stream measurements; repeat the option for several.")
    var pacedRates: [Double] = [100, 500]

    @Option(help: "Seconds each paced stream lasts.")
    var pacedSeconds = 20.0

    @Option(help: "Write the table as Markdown to this file too.")
    var markdown: String?

    func run() async throws {
        try await Bench.reporting {
            var logger = Logger(label: "bench")
            logger.logLevel = .warning
            let amqp = try AMQPConfiguration(url: targets.amqp(), connectionName: "bench")
            let database = try PostgresConfiguration(url: targets.database())
            let body = [UInt8](repeating: UInt8(ascii: "x"), count: 1024)
            var table = BenchTable()

            progress("broker floor (\(messages) persistent messages, quorum queue, confirms and acks)")
            let floor = try await MessagingBench.measureFloor(amqp: amqp, messages: messages, body: body, logger: logger)
            table.floor = floor.rate
            table.add("broker floor", rate: floor.rate, unit: "msg/s", p50: floor.p50, p99: floor.p99)

            progress("outbox → broker → inbox (\(messages) messages)")
            let path = try await MessagingBench.measurePath(amqp: amqp, database: database, messages: messages, body: body, logger: logger)
            table.add("outbox → broker → inbox", rate: path.rate, unit: "msg/s", p50: path.p50, p99: path.p99)

            progress("intake and record → agency queues (\(records) SMS records)")
            let pipeline = try await PipelineBench.measure(
                sms: AMQPConfiguration(url: targets.sms(), connectionName: "bench-sms"), database: database, records: records, logger: logger)
            table.add("intake: record → case opened", rate: pipeline.intake.rate, unit: "records/s", p50: pipeline.intake.p50, p99: pipeline.intake.p99)
            table.add("record → referrals in agency queues", rate: pipeline.pipeline.rate, unit: "cases/s", p50: pipeline.pipeline.p50, p99: pipeline.pipeline.p99)

            for rate in pacedRates {
                progress("paced stream (\(Int(rate)) records/s for \(Int(pacedSeconds)) s)")
                let paced = try await PacedBench.measure(
                    sms: AMQPConfiguration(url: targets.sms(), connectionName: "bench-sms"), database: database, rate: rate,
                    duration: pacedSeconds, logger: logger)
                table.add(
                    "paced \(Int(rate)) records/s: record → agency queues", rate: paced.sentRate, unit: "records/s", p50: paced.p50,
                    p99: paced.p99, note: paced.note, comparable: false)
            }

            // Before the escalation burst, whose ten thousand alert requests would queue ahead of these.
            progress("notification delivery (\(alerts) alert requests × 2 recipients, \(mailSinkPort == nil ? "the cluster's mail relay" : "the bench as the relay"))")
            let notification = try await NotificationBench.measure(
                amqp: amqp, database: database, requests: alerts, recipients: 2, mailSinkPort: mailSinkPort, logger: logger)
            table.add(
                "notification: alert emails accepted by the relay", rate: notification.rate, unit: "alerts/s", p50: notification.p50,
                p99: notification.p99, note: notification.sink == nil ? "the cluster's mail relay" : notification.sessionsNote)

            progress("escalation firing (\(open) open steps, \(due) due in one second)")
            let escalation = try await EscalationBench.measure(
                database: database, open: open, due: due, pid: EscalationBench.localServicePid, logger: logger, progress: progress)
            table.add(
                "escalation: burst of due steps fired", rate: escalation.rate, unit: "steps/s", p50: escalation.p50, p99: escalation.p99,
                note: "lateness; max \(Int(escalation.maximum)) ms; service RSS \(escalation.memoryBefore ?? "-") → \(escalation.memoryAfter ?? "-")",
                comparable: false)

            let rendered = table.render()
            print(rendered)
            if let markdown {
                try table.markdown().write(toFile: markdown, atomically: true, encoding: .utf8)
            }
        }
    }

    private func progress(_ line: String) {
        FileHandle.standardError.write(Data("… \(line)\n".utf8))
    }
}
