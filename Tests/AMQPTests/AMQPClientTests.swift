import AMQP
import Foundation
import Logging
import TestSupport
import Testing

@Suite("AMQP client reconnects on a real broker")
struct AMQPClientTests {
    let logger = Logger(label: "test.amqp.client")

    @Test("a subscription and publishing survive a connection closed by the broker")
    func survivesForcedClose() async throws {
        let name = TestEnvironment.uniqueName("amqp-client")
        var configuration = try AMQPConfiguration(url: TestEnvironment.amqpURL(), connectionName: name)
        configuration.heartbeatSeconds = 5
        let queue = TestEnvironment.uniqueName("amqp.client")
        let client = AMQPClient(configuration: configuration, topology: Topology(queues: [.quorum(queue)]), logger: logger,
                                backoff: Backoff(initial: .milliseconds(50), maximum: .milliseconds(500)))
        let subscription = await client.subscribe(queue: queue, prefetch: 20)

        func publish(_ index: Int) async throws {
            let outcome = try await client.publish([OutgoingMessage(
                exchange: "", routingKey: queue,
                properties: .persistentJSON(messageId: "m-\(index)", type: "test.v1"), body: Array("\(index)".utf8))])
            #expect(outcome == [.confirmed])
        }

        for index in 0..<10 { try await publish(index) }
        var seen = Set<String>()
        while seen.count < 10 {
            let batch = await subscription.next(upTo: 5)
            #expect(batch.count <= 5)
            if batch.isEmpty { break }
            for delivery in batch {
                seen.insert(delivery.properties.messageId ?? "")
                delivery.ack()
            }
        }
        #expect(seen.count == 10)

        let management = try ManagementAPI.fromEnvironment()
        // The management API lists a new connection after a moment.
        var closed = 0
        for _ in 0..<50 where closed == 0 {
            closed = try await management.closeConnections(named: name)
            if closed == 0 { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(closed >= 1)

        for index in 10..<20 { try await publish(index) }
        while seen.count < 20 {
            let batch = await subscription.next(upTo: 100)
            if batch.isEmpty { break }
            for delivery in batch {
                seen.insert(delivery.properties.messageId ?? "")
                delivery.ack()
            }
        }
        #expect(seen.count == 20)
        await client.close()
    }
}
