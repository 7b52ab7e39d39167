import AMQP
import Foundation
import Logging
import TestSupport
import Testing

/// Against the real broker that deploy/local/test starts.
@Suite("AMQP connection on a real broker")
struct AMQPConnectionTests {
    let logger = Logger(label: "test.amqp")

    func configuration(name: String = "amqp-tests", heartbeat: Duration = .seconds(30)) throws -> AMQPConfiguration {
        var configuration = try AMQPConfiguration(url: TestEnvironment.amqpURL(), connectionName: name)
        configuration.heartbeat = heartbeat
        return configuration
    }

    func message(_ queue: String, _ index: Int) -> OutgoingMessage {
        OutgoingMessage(
            exchange: "", routingKey: queue,
            properties: MessageProperties(
                contentType: "application/json", deliveryMode: 2, messageId: "m-\(index)-\(UUID())", type: "test.v1",
                correlationId: "c-\(index)", replyTo: "amq.gen-reply", headers: ["x-index": .int(Int64(index)), "x-name": .string("Əli")]),
            body: Array("{\"n\":\(index),\"name\":\"Məmmədov\"}".utf8))
    }

    @Test("publishes with confirms and consumes with manual acks, properties intact")
    func publishAndConsume() async throws {
        let queue = TestEnvironment.uniqueName("amqp.roundtrip")
        let connection = try await AMQPConnection.connect(configuration(), topology: Topology(queues: [.quorum(queue)]), logger: logger)
        let messages = (0..<200).map { message(queue, $0) }
        let outcomes = try await connection.publish(messages)
        #expect(outcomes == Array(repeating: .confirmed, count: 200))

        let consumer = try await connection.consume(queue: queue, prefetch: 50)
        var received: [Delivery] = []
        for try await delivery in consumer.deliveries {
            received.append(delivery)
            delivery.ack()
            if received.count == 200 { break }
        }
        #expect(received.map(\.properties.messageId) == messages.map(\.properties.messageId))
        let first = try #require(received.first)
        #expect(first.body == messages[0].body)
        #expect(first.properties.contentType == "application/json")
        #expect(first.properties.deliveryMode == 2)
        #expect(first.properties.type == "test.v1")
        #expect(first.properties.correlationId == "c-0")
        #expect(first.properties.replyTo == "amq.gen-reply")
        #expect(first.properties.headers["x-index"] == .int(0))
        #expect(first.properties.headers["x-name"] == .string("Əli"))
        #expect(first.previousDeliveries == 0)
        try await consumer.cancel()
        await connection.close()
        #expect(!connection.isOpen)
    }

    @Test("deliveries acknowledged together settle only themselves, never another consumer's on the same channel")
    func acknowledgedTogether() async throws {
        let first = TestEnvironment.uniqueName("amqp.together.a")
        let second = TestEnvironment.uniqueName("amqp.together.b")
        let topology = Topology(queues: [.quorum(first), .quorum(second)])
        let connection = try await AMQPConnection.connect(configuration(), topology: topology, logger: logger)
        let firstConsumer = try await connection.consume(queue: first, prefetch: 50)
        let secondConsumer = try await connection.consume(queue: second, prefetch: 50)
        // Alternating, so the two consumers' delivery tags interleave on the channel.
        let sent = (0..<20).map { message($0 % 2 == 0 ? first : second, $0) }
        #expect(try await connection.publish(sent) == Array(repeating: .confirmed, count: 20))
        var fromFirst: [Delivery] = []
        for try await delivery in firstConsumer.deliveries {
            fromFirst.append(delivery)
            if fromFirst.count == 10 { break }
        }
        var fromSecond: [Delivery] = []
        for try await delivery in secondConsumer.deliveries {
            fromSecond.append(delivery)
            if fromSecond.count == 10 { break }
        }
        // All of the first queue's, and the second's first half, each set in one call.
        Delivery.ack(fromFirst)
        Delivery.ack(Array(fromSecond.prefix(5)))
        try await firstConsumer.cancel()
        try await secondConsumer.cancel()
        await connection.close()

        // Behind a marker: only what was not acknowledged comes again, before it.
        let again = try await AMQPConnection.connect(configuration(), logger: logger)
        #expect(try await again.publish([message(first, 100), message(second, 101)]) == [.confirmed, .confirmed])
        let firstAgain = try await again.consume(queue: first, prefetch: 50)
        for try await delivery in firstAgain.deliveries {
            #expect(delivery.properties.headers["x-index"] == .int(100))
            delivery.ack()
            break
        }
        let secondAgain = try await again.consume(queue: second, prefetch: 50)
        var redelivered: [Delivery] = []
        for try await delivery in secondAgain.deliveries {
            redelivered.append(delivery)
            if redelivered.count == 6 { break }
        }
        Delivery.ack(redelivered)
        #expect(Set(redelivered.prefix(5).map(\.properties.messageId)) == Set(fromSecond.suffix(5).map(\.properties.messageId)))
        #expect(redelivered.last?.properties.headers["x-index"] == .int(101))
        #expect(redelivered.prefix(5).allSatisfy { $0.previousDeliveries >= 1 })
        try await firstAgain.cancel()
        try await secondAgain.cancel()
        await again.close()
    }

    @Test("an unroutable mandatory message comes back as returned, never silently dropped")
    func unroutableIsReturned() async throws {
        let connection = try await AMQPConnection.connect(configuration(), logger: logger)
        let queue = TestEnvironment.uniqueName("amqp.nowhere")
        let outcomes = try await connection.publish([message(queue, 1), message(queue, 2)])
        #expect(outcomes.count == 2)
        for outcome in outcomes {
            guard case .returned(let code, _) = outcome else {
                Issue.record("expected returned, got \(outcome)")
                continue
            }
            #expect(code == 312)
        }
        #expect(connection.isOpen)
        await connection.close()
    }

    @Test("a return is never lost among publishes that share its message id, or that have none")
    func returnsMatchedBySharedId() async throws {
        let queue = TestEnvironment.uniqueName("amqp.shared-id")
        let connection = try await AMQPConnection.connect(configuration(), topology: Topology(queues: [.quorum(queue)]), logger: logger)
        let nowhere = TestEnvironment.uniqueName("amqp.nowhere")
        for id in ["same-\(UUID())", nil] as [String?] {
            var routable = message(queue, 1)
            var unroutable = message(nowhere, 2)
            routable.properties.messageId = id
            unroutable.properties.messageId = id
            let outcomes = try await connection.publish([routable, unroutable, routable])
            // The broker names no delivery tag in a return: the unroutable one must be
            // reported returned; its namesakes may be too (a caller retries them), never the reverse.
            guard case .returned = outcomes[1] else {
                Issue.record("unroutable publish reported \(outcomes[1]) (id \(id ?? "none"))")
                continue
            }
        }
        await connection.close()
    }

    @Test("publishing to a missing exchange fails the connection with the broker's reason; each message says which was refused")
    func missingExchange() async throws {
        var bad = message("x", 1)
        bad.exchange = TestEnvironment.uniqueName("no-such-exchange")
        let connection = try await AMQPConnection.connect(configuration(), logger: logger)
        await #expect(throws: AMQPError.self) { _ = try await connection.publish([bad]) }
        #expect(!connection.isOpen)

        let another = try await AMQPConnection.connect(configuration(), logger: logger)
        let outcomes = await another.publishEach([bad])
        guard case .refused(404, let text) = outcomes.first else {
            Issue.record("unexpected \(outcomes)")
            return
        }
        #expect(text.contains(bad.exchange))
        #expect(!another.isOpen)
    }

    @Test("heartbeats are serviced while the connection sits idle")
    func idleConnectionStaysOpen() async throws {
        let queue = TestEnvironment.uniqueName("amqp.idle")
        let connection = try await AMQPConnection.connect(configuration(heartbeat: .seconds(1)), topology: Topology(queues: [.quorum(queue)]), logger: logger)
        let consumer = try await connection.consume(queue: queue, prefetch: 10)
        try await Task.sleep(for: .seconds(5))
        #expect(connection.isOpen)
        #expect(try await connection.publish([message(queue, 1)]) == [.confirmed])
        for try await delivery in consumer.deliveries {
            delivery.ack()
            break
        }
        await connection.close()
    }

    @Test("the configuration's description never shows the password")
    func redactedConfiguration() throws {
        let configuration = try AMQPConfiguration(url: "amqp://svc-intake:s3cr%40t@127.0.0.1:5672/reintegration")
        #expect(configuration.password == "s3cr@t")
        #expect(configuration.virtualHost == "reintegration")
        #expect(!configuration.description.contains("s3cr"))
        #expect(throws: AMQPError.self) { try AMQPConfiguration(url: "http://x") }
    }

    @Test("a message nacked past the delivery limit lands in the dead-letter queue")
    func deliveryLimitDeadLetters() async throws {
        let queue = TestEnvironment.uniqueName("amqp.poison")
        let deadLetterExchange = TestEnvironment.uniqueName("amqp.dlx")
        let deadLetterQueue = queue + ".dead-letter"
        let topology = Topology(
            exchanges: [ExchangeDeclaration(name: deadLetterExchange, kind: .topic)],
            queues: [
                .quorum(queue, deadLetter: DeadLetterPolicy(exchange: deadLetterExchange, routingKey: queue, deliveryLimit: 2)),
                .quorum(deadLetterQueue),
            ],
            bindings: [QueueBinding(queue: deadLetterQueue, exchange: deadLetterExchange, routingKey: queue)])
        let connection = try await AMQPConnection.connect(configuration(), topology: topology, logger: logger)
        #expect(try await connection.publish([message(queue, 7)]) == [.confirmed])
        let consumer = try await connection.consume(queue: queue, prefetch: 1)
        let deadConsumer = try await connection.consume(queue: deadLetterQueue, prefetch: 1)
        Task {
            for try await delivery in consumer.deliveries {
                delivery.nack(requeue: true)
            }
        }
        var dead: Delivery?
        for try await delivery in deadConsumer.deliveries {
            dead = delivery
            delivery.ack()
            break
        }
        #expect(dead?.properties.headers["x-index"] == .int(7))
        await connection.close()
    }
}
