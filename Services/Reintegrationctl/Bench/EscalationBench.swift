import ArgumentParser
import EscalationOperations
import Foundation
import Logging
import Postgres

/// Firing lateness of the running escalation service with a large open backlog.
///
/// Seeds `--open` pending steps far in the future (open ladders) and `--due` steps whose
/// moment is the same second a few seconds ahead, wakes the timer, and reads back from
/// `escalation_events` how late each due step fired. The seeded rows belong to agency
/// `bench` and are removed afterwards. For a local cluster only.
struct EscalationBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "escalation",
        abstract: "Ladder-step firing lateness with a large backlog of open referrals.",
        discussion: Bench.exitCodes)

    @OptionGroup var targets: BenchTargets

    @Option(help: "Open (future) steps to seed.")
    var open = 1_000_000

    @Option(help: "Steps falling due in the same second.")
    var due = 10_000

    @Option(help: "Pid of the escalation service, to report its memory (default: the local stack's).")
    var pid: Int32?

    /// Firing lateness and rate of the due burst, and the service's memory around it.
    struct Figures: Sendable {
        var fired: Int
        var rate: Double
        var p50: Double
        var p99: Double
        var maximum: Double
        var memoryBefore: String?
        var memoryAfter: String?
    }

    /// The local stack's escalation service, when it runs.
    static var localServicePid: Int32? {
        (try? String(contentsOfFile: ".local/run/escalation.pid", encoding: .utf8))
            .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    func run() async throws {
        try await Bench.reporting {
            var logger = Logger(label: "bench")
            logger.logLevel = .warning
            let figures = try await Self.measure(
                database: PostgresConfiguration(url: targets.database()), open: open, due: due, pid: pid ?? Self.localServicePid,
                logger: logger, progress: { print($0) })
            print(String(format: "fired %d of %d due steps; lateness p50 %.0f ms, p99 %.0f ms, max %.0f ms; %.0f steps/s; RSS before: %@, after: %@",
                         figures.fired, due, figures.p50, figures.p99, figures.maximum, figures.rate,
                         figures.memoryBefore ?? "-", figures.memoryAfter ?? "-"))
        }
    }

    static func measure(
        database: PostgresConfiguration, open: Int, due: Int, pid: Int32?, logger: Logger, progress: (String) -> Void
    ) async throws -> Figures {
        let pool = PostgresPool(configuration: database, size: 1, logger: logger)
        let steps = EscalationBenchSteps()
        do {
            let figures = try await seedAndMeasure(steps, pool: pool, open: open, due: due, pid: pid, progress: progress)
            try await pool.withConnection { try steps.remove(on: $0) }
            await pool.shutdown()
            return figures
        } catch {
            // Seeded steps left behind would fire for real a month from now.
            try? await pool.withConnection { try steps.remove(on: $0) }
            await pool.shutdown()
            throw error
        }
    }

    private static func seedAndMeasure(
        _ steps: EscalationBenchSteps, pool: PostgresPool, open: Int, due: Int, pid: Int32?, progress: (String) -> Void
    ) async throws -> Figures {
        progress("seeding \(open) open steps…")
        let seeded = ContinuousClock.now
        try await pool.withConnection { connection in
            try steps.seed(count: open, dueAt: Date().addingTimeInterval(30 * 86_400), on: connection)
            try steps.refreshStatistics(on: connection)
        }
        let memoryBefore = rss(pid)
        progress("seeded in \(ContinuousClock.now - seeded)")
        let moment = Date().addingTimeInterval(5).rounded()
        try await pool.withConnection { connection in
            try steps.seed(count: due, dueAt: moment, on: connection)
            try steps.wakeTimer(on: connection)
        }
        var fired = 0
        let deadline = Date().addingTimeInterval(120)
        while fired < due && Date() < deadline {
            try await Task.sleep(for: .milliseconds(250))
            fired = try await pool.withConnection { try steps.firedCount(on: $0) }
        }
        let delays = try await pool.withConnection { try steps.firings(on: $0) }
        let latencies = LatencyRecorder()
        for firing in delays { latencies.record(milliseconds: firing.lateMilliseconds) }
        let lastFired = delays.map(\.firedAt).max() ?? moment.timeIntervalSince1970
        let span = max(0.001, lastFired - moment.timeIntervalSince1970)
        return Figures(
            fired: delays.count, rate: Double(delays.count) / span, p50: latencies.percentile(0.5),
            p99: latencies.percentile(0.99), maximum: latencies.percentile(1.0), memoryBefore: memoryBefore, memoryAfter: rss(pid))
    }

    private static func rss(_ pid: Int32?) -> String? {
        guard let pid, let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        return status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }.map { $0.dropFirst(6).trimmingCharacters(in: .whitespaces) }
    }
}

extension Date {
    /// Whole seconds, so every due step shares one moment.
    func rounded() -> Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.up)) }
}
