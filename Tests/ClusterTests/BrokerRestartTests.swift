import AMQP
import Contract
import Foundation
import Logging
import Retry
import Testing
import TestSupport

extension ClusterProcesses {
    /// Restarting RabbitMQ under load. It stops the broker every other test uses, so
    /// deploy/local/test runs it on its own, after the main run, with
    /// REINTEGRATION_TEST_RESTART_BROKER set to the command that restarts the node.
    @Suite("Broker restart while messages flow", .serialized)
    struct BrokerRestartTests {
        static let restartCommand = ProcessInfo.processInfo.environment["REINTEGRATION_TEST_RESTART_BROKER"]

        @Test("records published before, during and after a broker restart are all applied once", .enabled(if: restartCommand != nil))
        func restartLosesNothing() async throws {
            try await TestCluster.with { cluster in
                let configuration = try AMQPConfiguration(url: TestEnvironment.amqpURL(), connectionName: "restart-test")
                let publisher = AMQPClient(
                    configuration: configuration,
                    logger: Logger(label: "test.restart"), backoff: Backoff(initial: .milliseconds(200), maximum: .seconds(2)))
                let batch = "SMS-RST-\(UUID().uuidString.prefix(6))"
                let total = 600
                let pattern = "\(batch)-%"
                let publishing = Task {
                    for chunk in stride(from: 0, to: total, by: 25) {
                        let messages = (chunk..<min(total, chunk + 25)).map { index in
                            OutgoingMessage(
                                exchange: ExchangeName.intake, routingKey: MessageType.readmission,
                                properties: .persistentJSON(messageId: "\(batch)-\(index)", type: MessageType.readmission, userId: configuration.user),
                                body: Records.bytes(Records.readmission(smsReference: "\(batch)-\(index)", needs: ["health"], childBirthDate: nil)))
                        }
                        let outcomes = try await publisher.publish(messages)
                        #expect(outcomes.allSatisfy { $0 == .confirmed })
                        try await Task.sleep(for: .milliseconds(50))
                    }
                }
                _ = try await cluster.waitForCount(
                    "SELECT least(count(*), 50) FROM intake.cases WHERE sms_reference LIKE $1", [.text(pattern)], toBe: 50, timeout: .seconds(60))

                let restart = Process()
                restart.executableURL = URL(fileURLWithPath: "/bin/bash")
                restart.arguments = ["-c", Self.restartCommand!]
                try restart.run()
                // Reaped here: Foundation's own exit monitoring does not see this child
                // while the test's service processes are also running.
                var exitStatus: Int32 = 0
                while waitpid(restart.processIdentifier, &exitStatus, WNOHANG) == 0 {
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(exitStatus == 0)

                try await publishing.value
                let cases = try await cluster.waitForCount(
                    "SELECT count(*) FROM intake.cases WHERE sms_reference LIKE $1", [.text(pattern)], toBe: total, timeout: .seconds(180))
                #expect(cases == total)
                let referrals = try await cluster.waitForCount("""
                    SELECT count(*) FROM referral.referrals r JOIN intake.cases c ON c.id = r.case_id WHERE c.sms_reference LIKE $1
                    """, [.text(pattern)], toBe: 2 * total, timeout: .seconds(180))
                #expect(referrals == 2 * total)
                let tracked = try await cluster.waitForCount("""
                    SELECT count(*) FROM escalation.referrals e JOIN intake.cases c ON c.id = e.case_id WHERE c.sms_reference LIKE $1
                    """, [.text(pattern)], toBe: 2 * total, timeout: .seconds(180))
                #expect(tracked == 2 * total)
                for name in TestCluster.names { #expect(cluster[name].isRunning) }
                await publisher.close()
            }
        }
    }
}
