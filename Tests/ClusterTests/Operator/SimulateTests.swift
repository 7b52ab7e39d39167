import Foundation
import Postgres
import TestSupport
import Testing

extension ClusterProcesses {
    /// `reintegrationctl simulate` against the real intake and referral services: the
    /// records it sends open cases or are refused, and its agencies' answers move referrals.
    @Suite("Operator tool: simulate", .serialized)
    struct SimulateTests {
        @Test("synthetic records open cases or are refused, and the simulated agencies answer their referrals")
        func simulatedTrafficFlowsThroughTheCluster() async throws {
            try await TestCluster.with(only: ["intake", "referral"]) { cluster in
                let started = Date()
                // The accounts' URLs, passwords included, in a credentials file of mode 600:
                // never on the command line.
                var lines = ["SMS_LOCAL_AMQP_URL=\(try TestEnvironment.value("REINTEGRATION_TEST_SMS_LOCAL_AMQP_URL"))"]
                for agency in ["HEALTH", "LABOUR", "EDUCATION", "LOCAL_BINAGADI"] {
                    lines.append("AGENCY_\(agency)_AMQP_URL=\(try TestEnvironment.value("REINTEGRATION_TEST_AGENCY_\(agency)_AMQP_URL"))")
                }
                let file = FileManager.default.temporaryDirectory.appendingPathComponent("simulate-\(UUID().uuidString).env")
                _ = FileManager.default.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o600])
                try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: file)
                defer { try? FileManager.default.removeItem(at: file) }
                let arguments = [
                    "simulate", "--rate", "5", "--duration", "4", "--linger", "8", "--answer-scale", "0.05",
                    "--invalid-share", "0.3", "--seed", "42", "--credentials-file", file.path,
                ]
                let outcome = try await OperatorTool.run(arguments)
                #expect(outcome.status == 0, "\(outcome)")
                let done = try #require(outcome.standardOutput.split(separator: "\n").last { $0.hasPrefix("done: ") }, "\(outcome)")
                let figures = Self.numbers(in: String(done))
                // records N (k invalid) · outcomes: a accepted, r refused · referrals …
                #expect(figures.count >= 4, "\(done)")
                let (sent, invalid, accepted, refused) = (figures[0], figures[1], figures[2], figures[3])
                #expect(sent == 20, "\(done)")
                #expect(invalid > 0, "\(done)")
                #expect(accepted + refused == sent, "\(done)")
                #expect(refused >= invalid, "\(done)")

                let parameters: [PostgresValue] = [.timestamp(started)]
                let cases = try await cluster.count(
                    "SELECT count(*) FROM intake.cases WHERE sms_reference LIKE 'SIM-%' AND opened_at >= $1", parameters)
                #expect(cases == accepted)
                let answered = try await cluster.count("""
                    SELECT count(*) FROM referral.referrals r JOIN intake.cases c ON c.id = r.case_id
                    WHERE c.sms_reference LIKE 'SIM-%' AND c.opened_at >= $1 AND r.status <> 'issued'
                    """, parameters)
                #expect(answered > 0)
                #expect(!outcome.standardOutput.contains("+99450"), "no personal data in the progress")
            }
        }

        @Test("wrong usage and an unreachable broker exit with their documented codes")
        func refusals() async throws {
            let usage = try await OperatorTool.run(["simulate", "--rate", "0"])
            #expect(usage.status == 64, "\(usage)")
            let unreachable = try await OperatorTool.run(
                ["simulate", "--duration", "1", "--linger", "0", "--no-agencies", "--credentials-file", "/nonexistent"],
                environment: ["SIMULATE_SMS_AMQP_URL": "amqp://nobody:secret-password@127.0.0.1:1/none"])
            #expect(unreachable.status == 69, "\(unreachable)")
            #expect(!unreachable.standardError.contains("secret-password"))
            // A password on the command line is refused before anything connects.
            let exposed = try await OperatorTool.run([
                "simulate", "--duration", "1", "--no-agencies", "--sms-url", "amqp://nobody:secret-password@127.0.0.1:1/none",
            ])
            #expect(exposed.status == 64, "\(exposed)")
            #expect(exposed.standardError.contains("must not contain a password"), "\(exposed)")
            #expect(!exposed.standardError.contains("secret-password"))
        }

        static func numbers(in line: String) -> [Int] {
            line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        }
    }
}
