import AMQP
import Foundation
import Logging
import TestSupport
import Testing

/// A memory alarm blocks every publisher on the node, so deploy/local/test runs this suite
/// on its own, with REINTEGRATION_TEST_BROKER_ALARM set to a command that takes the
/// watermark to set (`0.0001` raises the alarm, `0.4` clears it).
@Suite("Publishing while the broker blocks publishers", .serialized)
struct BrokerAlarmTests {
    static let alarmCommand = ProcessInfo.processInfo.environment["REINTEGRATION_TEST_BROKER_ALARM"]
    let logger = Logger(label: "test.amqp.alarm")

    static func setWatermark(_ value: String) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "\(alarmCommand!) \(value)"]
        try process.run()
        // Reaped here, as in the broker-restart test: Foundation's exit monitoring may miss it.
        var status: Int32 = 0
        while waitpid(process.processIdentifier, &status, WNOHANG) == 0 {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(status == 0, "setting the memory watermark to \(value) failed")
    }

    /// Runs `body` with the alarm raised, and clears it afterwards whatever happens.
    static func withAlarm(_ body: () async throws -> Void) async throws {
        try await setWatermark("0.0001")
        do {
            try await body()
        } catch {
            try await setWatermark("0.4")
            throw error
        }
        try await setWatermark("0.4")
    }

    @Test("a publish on a blocked connection ends at its time limit saying so, a cancelled one at once; readiness names the alarm",
          .enabled(if: alarmCommand != nil))
    func blockedPublish() async throws {
        let queue = TestEnvironment.uniqueName("amqp.alarm")
        var configuration = try AMQPConfiguration(url: TestEnvironment.amqpURL(), connectionName: queue)
        configuration.publishTimeout = .seconds(3)
        let client = AMQPClient(configuration: configuration, topology: Topology(queues: [.quorum(queue)]), logger: logger)
        func message(_ id: String) -> OutgoingMessage {
            OutgoingMessage(exchange: "", routingKey: queue, properties: .persistentJSON(messageId: id, type: "test.v1"), body: Array("{}".utf8))
        }
        #expect(try await client.publish([message("before")]) == [.confirmed])
        #expect(await client.condition() == .open)

        try await Self.withAlarm {
            // The broker tells a connection it is blocked when that connection publishes.
            let started = ContinuousClock.now
            let outcomes = try await client.publish([message("during")])
            let waited = ContinuousClock.now - started
            #expect(outcomes == [.unconfirmed(.brokerBlocked(waitedSeconds: 3))])
            #expect(waited >= .milliseconds(2_900))
            #expect(waited < .seconds(20))
            let condition = await client.condition()
            #expect(condition == .blocked)
            #expect(!condition.isReady)
            #expect(condition.description.contains("blocked"))

            // A caller cancelled while waiting (a service shutting down) returns at once.
            let publishing = Task { try await client.publish([message("cancelled")]) }
            try await Task.sleep(for: .milliseconds(500))
            publishing.cancel()
            let cancelled = try await publishing.value
            // Ended by the cancellation, not by the publish time limit (that says brokerBlocked).
            #expect(cancelled == [.unconfirmed(.cancelled)])
        }

        // Once the alarm clears the connection is unblocked and publishes again.
        var condition = await client.condition()
        for _ in 0..<100 where condition != .open {
            try await Task.sleep(for: .milliseconds(100))
            condition = await client.condition()
        }
        #expect(condition == .open)
        #expect(try await client.publish([message("after")]) == [.confirmed])
        await client.close()
    }
}
