import ArgumentParser

/// `reintegrationctl bench …`: benchmarks that report figures, never pass or fail.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run benchmarks against the running broker and database.",
        subcommands: [BenchSuite.self, MessagingBench.self, PipelineBench.self, EscalationBench.self, NotificationBench.self],
        defaultSubcommand: BenchSuite.self
    )
}
