import Testing
import TestSupport

/// Every command of the operator tool explains itself.
@Suite("Operator tool help")
struct HelpTests {
    @Test("the tool and each of its commands answer --help")
    func toolAnswersHelp() async throws {
        for arguments in [
            ["--help"], ["bench", "--help"], ["directory", "--help"], ["case", "--help"], ["case", "show", "--help"],
            ["overdue", "--help"], ["report", "--help"], ["dashboard", "--help"],
        ] {
            let outcome = try await OperatorTool.run(arguments)
            #expect(outcome.status == 0, "\(arguments): \(outcome)")
            #expect(outcome.standardOutput.contains("USAGE"), "\(arguments): \(outcome)")
        }
    }
}
