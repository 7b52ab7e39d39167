import AMQP
import Foundation
import Logging
import Retry
import Testing
import TestSupport

/// Per-message outcomes and connect failures on the real broker.
@Suite("Publish outcomes and connect failures on a real broker")
struct PublishOutcomeTests {
    let logger = Logger(label: "test.amqp.outcomes")

    func message(_ queue: String, _ id: String, headers: [String: AMQPFieldValue] = [:]) -> OutgoingMessage {
        OutgoingMessage(
            exchange: "", routingKey: queue,
            properties: MessageProperties(contentType: "application/json", deliveryMode: 2, messageId: id, type: "test.v1", headers: headers),
            body: Array("{}".utf8))
    }

    /// The message ids read from `queue` until `distinct` different ones have come.
    func receive(_ distinct: Int, from queue: String, on connection: AMQPConnection) async throws -> [String] {
        let consumer = try await connection.consume(queue: queue, prefetch: 10)
        var received: [String] = []
        for try await delivery in consumer.deliveries {
            received.append(delivery.properties.messageId ?? "")
            delivery.ack()
            if Set(received).count == distinct { break }
        }
        return received
    }

    @Test("a message whose headers do not fit in a frame, or whose body is over max_message_size, is unencodable; the rest of its batch is confirmed on the same connection")
    func unencodableMessageAlone() async throws {
        let queue = TestEnvironment.uniqueName("amqp.unencodable")
        let configuration = try AMQPConfiguration(url: TestEnvironment.amqpURL(), connectionName: queue)
        let connection = try await AMQPConnection.connect(configuration, topology: Topology(queues: [.quorum(queue)]), logger: logger)
        // 8 × 20,000 bytes: far over one 131,072-byte frame.
        let huge = Dictionary(uniqueKeysWithValues: (0..<8).map { ("x-big-\($0)", AMQPFieldValue.string(String(repeating: "h", count: 20_000))) })
        let tooLarge = message(queue, "huge", headers: huge)
        #expect(tooLarge.encodingProblem() != nil)
        var longKey = message(queue, "long-key")
        longKey.routingKey = String(repeating: "k", count: 300)
        var oversized = message(queue, "oversized")
        oversized.body = Array(repeating: UInt8(ascii: " "), count: configuration.maxMessageSize + 1)

        let outcomes = await connection.publishEach(
            [message(queue, "a"), tooLarge, message(queue, "b"), longKey, message(queue, "c"), oversized])
        #expect(outcomes[0] == .confirmed)
        #expect(outcomes[2] == .confirmed)
        #expect(outcomes[4] == .confirmed)
        for index in [1, 3, 5] {
            guard case .unencodable(let reason) = outcomes[index] else {
                Issue.record("message \(index): \(outcomes[index])")
                continue
            }
            #expect(!reason.isEmpty)
        }
        #expect(connection.isOpen)
        // Everything but the unencodable arrived, and the connection still publishes.
        #expect(try await connection.publish([message(queue, "d")]) == [.confirmed])
        #expect(try await receive(4, from: queue, on: connection) == ["a", "b", "c", "d"])
        await connection.close()
    }

    @Test("a message the broker closes the channel over (no such exchange) is refused alone; the client publishes the rest again")
    func refusedMessageAlone() async throws {
        let queue = TestEnvironment.uniqueName("amqp.refused")
        let configuration = try AMQPConfiguration(url: TestEnvironment.amqpURL(), connectionName: queue)
        let client = AMQPClient(configuration: configuration, topology: Topology(queues: [.quorum(queue)]), logger: logger,
                                backoff: Backoff(initial: .milliseconds(50), maximum: .milliseconds(500)))
        var missing = message(queue, "missing")
        missing.exchange = TestEnvironment.uniqueName("no-such-exchange")
        let outcomes = try await client.publish([message(queue, "a"), message(queue, "b"), missing, message(queue, "c"), message(queue, "d")])
        #expect(outcomes[0] == .confirmed)
        #expect(outcomes[1] == .confirmed)
        #expect(outcomes[3] == .confirmed)
        #expect(outcomes[4] == .confirmed)
        guard case .refused(404, let text) = outcomes[2] else {
            Issue.record("the message to a missing exchange: \(outcomes[2])")
            await client.close()
            return
        }
        #expect(text.contains(missing.exchange))
        // a and b may arrive twice: routed before the channel closed, but not confirmed.
        #expect(Set(try await receive(4, from: queue, on: try await client.connection())) == ["a", "b", "c", "d"])
        await client.close()
    }

    @Test("a wrong password is an authentication failure: named so, without the password, logged each attempt, retried with backoff")
    func wrongPassword() async throws {
        var configuration = try AMQPConfiguration(url: TestEnvironment.amqpURL(), connectionName: "wrong-password")
        let secret = "not-the-password-\(UUID().uuidString.prefix(6))"
        configuration.password = secret
        do {
            _ = try await AMQPConnection.connect(configuration, logger: logger)
            Issue.record("connected with a wrong password")
        } catch let error as AMQPError {
            guard case .authenticationFailed(let user, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(user == configuration.user)
            #expect("\(error)".contains("authentication failed"))
            #expect(!"\(error)".contains(secret))
        }

        let logs = CountingLogHandler.Store()
        let backoff = Backoff(initial: .milliseconds(200), maximum: .seconds(10))
        let client = AMQPClient(
            configuration: configuration, logger: Logger(label: "test.auth") { _ in CountingLogHandler(store: logs) },
            backoff: backoff)
        let started = ContinuousClock.now
        let waiting = Task { try await client.connection() }
        // Retried: a second failed login comes (however slowly a loaded machine makes each).
        var retried = false
        while !retried, ContinuousClock.now - started < .seconds(120) {
            try await Task.sleep(for: .milliseconds(100))
            retried = logs.matching("amqp authentication failed").count >= 2
        }
        #expect(retried, "the client tries again")
        let condition = await client.condition()
        #expect(condition == .authenticationFailed(user: configuration.user))
        #expect(!condition.isReady)
        #expect(condition.description.contains("authentication failed"))
        let failures = logs.matching("amqp authentication failed")
        // Backoff, not a tight loop: no more attempts than the shortest pauses (half of each
        // ceiling) allow in the time that passed.
        let elapsed = ContinuousClock.now - started
        var allowed = 1, shortest = Duration.zero
        while shortest <= elapsed {
            shortest += backoff.ceiling(attempt: allowed - 1) / 2
            allowed += 1
        }
        #expect(failures.count <= allowed, "\(failures.count) attempts in \(elapsed)")
        #expect(failures.allSatisfy { $0.level == .error })
        #expect(logs.all.allSatisfy { !$0.contains(secret) })
        waiting.cancel()
        _ = await waiting.result
        await client.close()
    }
}
