import AMQP
import ArgumentParser
import Foundation
import Logging
import Postgres

/// A steady stream: SMS records at a fixed rate, each timed from its publication to the
/// broker's confirm of its last referral message in an agency queue (the referral
/// outbox's `published_at`). Saturation benchmarks measure queueing; this one measures
/// what a case waits when the cluster is not overrun, and whether it keeps up.
struct PacedBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paced",
        abstract: "Records at a fixed rate: latency from publication to the agency queues, and whether the cluster keeps up.",
        discussion: """
            The cluster keeps up when the publisher held the rate (at least 95 %) and the last tenth of the \
            records waited no longer than twice the first tenth plus 50 ms (no backlog building up).
            \(Bench.exitCodes)
            """)

    @OptionGroup var targets: BenchTargets

    @Option(help: "Records per second.")
    var rate = 100.0

    @Option(help: "Seconds to publish for.")
    var duration = 20.0

    struct Figures: Sendable {
        var rate: Double
        var sentRate: Double
        var p50: Double
        var p99: Double
        var maximum: Double
        var keptUp: Bool

        var note: String {
            String(format: "%@; sent %.0f/s; max %.0f ms", keptUp ? "kept up" : "fell behind", sentRate, maximum)
        }
    }

    func run() async throws {
        try await Bench.reporting {
            var logger = Logger(label: "bench")
            logger.logLevel = .warning
            guard rate > 0, duration > 0 else { throw ValidationError("--rate and --duration must be positive") }
            let figures = try await Self.measure(
                sms: AMQPConfiguration(url: targets.sms(), connectionName: "bench-sms"),
                database: PostgresConfiguration(url: targets.database()), rate: rate, duration: duration, logger: logger)
            print(String(format: "paced %.0f records/s for %.0f s: p50 %.0f ms, p99 %.0f ms; %@",
                         rate, duration, figures.p50, figures.p99, figures.note))
        }
    }

    static func measure(
        sms smsConfiguration: AMQPConfiguration, database: PostgresConfiguration, rate: Double, duration: Double, logger: Logger
    ) async throws -> Figures {
        let batch = "BENCH-\(UUID().uuidString.prefix(8))"
        let records = max(1, Int(rate * duration))
        let sms = try await AMQPConnection.connect(smsConfiguration, logger: logger)
        var sentAt: [String: Double] = [:]
        let start = Date()
        var sent = 0
        while sent < records {
            // Whatever has fallen due since the last tick goes out now, in one confirmed publish.
            let due = min(records, Int(Date().timeIntervalSince(start) * rate) + 1)
            if due > sent {
                var messages: [OutgoingMessage] = []
                for index in sent..<due {
                    let reference = "\(batch)-\(index)"
                    sentAt[reference] = Date().timeIntervalSince1970
                    messages.append(PipelineBench.recordMessage(reference: reference, sender: smsConfiguration.user))
                }
                let outcomes = try await sms.publish(messages)
                guard outcomes.allSatisfy({ $0 == .confirmed }) else { throw ValidationError("the broker did not confirm the records") }
                sent = due
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        let sentRate = Double(records) / max(Date().timeIntervalSince(start), 1 / rate)
        await sms.close()

        let rows = try await PipelineBench.completions(batch: batch, records: records, since: start, database: database, logger: logger)
        let latencies = LatencyRecorder()
        var ordered: [(sent: Double, milliseconds: Double)] = []
        for row in rows {
            guard let sent = sentAt[row.reference] else { continue }
            let milliseconds = (row.referred - sent) * 1000
            latencies.record(milliseconds: milliseconds)
            ordered.append((sent, milliseconds))
        }
        ordered.sort { $0.sent < $1.sent }
        let tenth = max(1, ordered.count / 10)
        let first = median(ordered.prefix(tenth).map(\.milliseconds))
        let last = median(ordered.suffix(tenth).map(\.milliseconds))
        return Figures(
            rate: rate, sentRate: sentRate, p50: latencies.percentile(0.5), p99: latencies.percentile(0.99),
            maximum: latencies.percentile(1), keptUp: sentRate >= 0.95 * rate && last <= 2 * first + 50)
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
    }
}
