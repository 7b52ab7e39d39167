import ArgumentParser

/// The operators' command-line tool.
@main
struct Reintegrationctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reintegrationctl",
        abstract: "Operate the reintegration cluster.",
        subcommands: [
            CaseCommand.self, OverdueCommand.self, ReportCommand.self, RejectedCommand.self, AccountsCommand.self,
            DirectoryCommand.self, SimulateCommand.self, DrillCommand.self, DashboardCommand.self, Bench.self,
            ReferralCommand.self, AgencyCommand.self,
        ]
    )
}
