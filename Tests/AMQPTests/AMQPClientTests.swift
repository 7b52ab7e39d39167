import AMQP
import Foundation
import Logging
import Retry
import Synchronization
import Testing
import TestSupport

@Suite("AMQP client reconnects on a real broker")
struct AMQPClientTests {
    let logger = Logger(label: "test.amqp.client")

    @Test("a subscription and publishing survive a connection closed by the broker")
    func survivesForcedClose() async throws {
        let name = TestEnvironment.uniqueName("amqp-client")
        var configuration = try AMQPConfiguration(url: TestEnvironment.amqpURL(), connectionName: name)
        configuration.heartbeat = .seconds(5)
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

    /// Set once, read from any task.
    final class Flag: Sendable {
        private let value = Atomic<Bool>(false)
        func set() { value.store(true, ordering: .releasing) }
        var isSet: Bool { value.load(ordering: .acquiring) }
    }

    /// Whether `body` returns within `seconds`: a guard against waiting forever, not a
    /// measure of speed (the bound is far above the client's longest backoff).
    func finishes(within seconds: Double, _ body: @escaping @Sendable () async -> Void) async -> Bool {
        let finished = Flag()
        Task {
            await body()
            finished.set()
        }
        let end = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < end {
            if finished.isSet { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    @Test("with the broker unreachable, a cancelled publish, a stopped subscription and close all return")
    func shutdownWhileBrokerUnreachable() async throws {
        // Nothing listens on port 1: every connect attempt fails and is retried with backoff.
        let configuration = try AMQPConfiguration(url: "amqp://nobody:nothing@127.0.0.1:1/reintegration_test", connectionName: "unreachable")
        let client = AMQPClient(configuration: configuration, logger: logger)
        let subscription = await client.subscribe(queue: "nowhere", prefetch: 1)
        let publishing = Task {
            try await client.publish([OutgoingMessage(
                exchange: "", routingKey: "nowhere", properties: .persistentJSON(messageId: "m", type: "test.v1"), body: [])])
        }
        let probe = Task { try await client.connection() }
        // Let a few attempts fail, so the backoff is seconds long.
        try await Task.sleep(for: .seconds(2))
        #expect(await !client.isConnected())

        publishing.cancel()
        let publishEnded = await finishes(within: 30) { _ = await publishing.result }
        #expect(publishEnded)
        if case .success = await publishing.result { Issue.record("a publish without a broker reported success") }

        // A consumer shutting down gets the end of its deliveries.
        let draining = Task {
            await subscription.stop()
            return await subscription.next(upTo: 10)
        }
        let stopped = await finishes(within: 30) { _ = await draining.value }
        #expect(stopped)
        if stopped { #expect(await draining.value.isEmpty) }
        // Another caller was not disturbed by the cancelled one until the client closed.
        let closed = await finishes(within: 30) { await client.close() }
        #expect(closed)
        let probeEnded = await finishes(within: 30) { _ = await probe.result }
        #expect(probeEnded)
        let probeResult = await probe.result
        #expect(throws: AMQPError.self) { try probeResult.get() }
    }
}
