import AMQP
import ArgumentParser

/// `reintegrationctl bench …`: benchmarks that report figures, never pass or fail.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run benchmarks against the running broker and database.",
        subcommands: [BenchSuite.self, MessagingBench.self, PipelineBench.self, PacedBench.self, EscalationBench.self, NotificationBench.self],
        defaultSubcommand: BenchSuite.self
    )
}

extension Bench {
    /// Exit codes of every benchmark, for their `--help`.
    static let exitCodes = """
        Exit codes: 0 done, 64 wrong usage, 69 the broker or the database cannot be reached, \
        77 the broker refused the account, 1 anything else.
        """

    /// Runs a benchmark: an unreachable broker or database, or a refused account, ends
    /// with the exit code and advice the other commands give, not ArgumentParser's 1.
    static func reporting(_ body: () async throws -> Void) async throws {
        try await CommandFailure.reporting {
            do {
                try await body()
            } catch let error as AMQPError {
                throw CommandFailure.broker(error, doing: "the benchmark")
            }
        }
    }
}
