import AMQP
import Foundation
import Logging
import Messaging
import Postgres
import TestSupport
import Testing

/// How the relay settles each row of a batch on its own, on the real servers.
@Suite("Outbox relay settles each message on its own")
struct OutboxRelayTests {
    typealias Fixture = OutboxInboxTests.Fixture
    let logger = Logger(label: "test.relay")

    struct RowState {
        var messageId: String
        var published: Bool
        var setAside: Bool
        var lastError: String?
    }

    func rowStates(_ fixture: Fixture) async throws -> [String: RowState] {
        let table = "\(PostgresIdentifier.quoted(fixture.schema)).outbox"
        let rows = try await fixture.pool.withConnection { connection in
            try connection.query("""
                SELECT message_id, published_at IS NOT NULL AS published, claimed_until = 'infinity' AS set_aside, last_error
                FROM \(table) ORDER BY id
                """).map {
                RowState(
                    messageId: try $0["message_id"].decode(), published: try $0["published"].decode(),
                    setAside: try $0["set_aside"].decodeIfPresent() ?? false, lastError: try $0["last_error"].decodeIfPresent())
            }
        }
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.messageId, $0) })
    }

    func releaseLeases(_ fixture: Fixture) async throws {
        try await fixture.pool.withConnection { connection in
            try connection.execute(
                "UPDATE \(PostgresIdentifier.quoted(fixture.schema)).outbox SET claimed_until = NULL WHERE claimed_until <> 'infinity'")
        }
    }

    func enqueue(_ fixture: Fixture, _ messages: [OutgoingMessage]) async throws {
        let outbox = Outbox(schema: fixture.schema)
        try await fixture.pool.withTransaction { connection in try outbox.enqueue(contentsOf: messages, on: connection) }
    }

    func message(_ queue: String, _ id: String, headers: [String: AMQPFieldValue] = [:]) -> OutgoingMessage {
        var properties = MessageProperties.persistentJSON(messageId: id, type: "t")
        properties.headers = headers
        return OutgoingMessage(exchange: "", routingKey: queue, properties: properties, body: Array(id.utf8))
    }

    /// Every message id waiting in `queue`, read until it stays empty for a moment.
    func drain(_ queue: String, configuration: AMQPConfiguration) async throws -> [String] {
        let connection = try await AMQPConnection.connect(configuration, logger: logger)
        let consumer = try await connection.consume(queue: queue, prefetch: 100)
        var ids: [String] = []
        let collecting = Task {
            var ids: [String] = []
            for try await delivery in consumer.deliveries {
                ids.append(delivery.properties.messageId ?? "")
                delivery.ack()
            }
            return ids
        }
        try await Task.sleep(for: .seconds(1))
        try await consumer.cancel()
        ids = try await collecting.value
        await connection.close()
        return ids
    }

    @Test("rows confirmed before a batch failed are marked published and never published again; only the rest are retried")
    func partialBatch() async throws {
        let fixture = try await Fixture.make()
        let queue = fixture.queue
        let client = AMQPClient(configuration: fixture.amqp, topology: Topology(queues: [.quorum(queue)]), logger: logger)
        let publisher = FlakyPublisher(client: client, failAfter: 3)
        let relay = OutboxRelay(
            outbox: Outbox(schema: fixture.schema), pool: fixture.pool, listenerConfiguration: fixture.databaseConfiguration,
            publisher: publisher, logger: logger)
        try await enqueue(fixture, (0..<5).map { message(queue, "p-\($0)") })

        #expect(await relay.publishBatch() == 5)
        var states = try await rowStates(fixture)
        for id in ["p-0", "p-1", "p-2"] { #expect(states[id]?.published == true) }
        for id in ["p-3", "p-4"] {
            #expect(states[id]?.published == false)
            #expect(states[id]?.lastError?.contains("unconfirmed") == true)
        }

        publisher.failAfter.withLock { $0 = nil }
        try await releaseLeases(fixture)
        #expect(await relay.publishBatch() == 2)
        states = try await rowStates(fixture)
        let unpublished = states.values.filter { !$0.published }.map(\.messageId)
        #expect(unpublished.isEmpty)
        // Each message reached the queue exactly once.
        #expect(try await drain(queue, configuration: fixture.amqp).sorted() == (0..<5).map { "p-\($0)" })
        await client.close()
        await fixture.drop()
    }

    @Test("a full queue (reject-publish) holds back only its own rows; counted, and named while it lasts")
    func fullQueueBlocksOnlyItself() async throws {
        let fixture = try await Fixture.make()
        let full = TestEnvironment.uniqueName("relay.full")
        let normal = fixture.queue
        var fullQueue = QueueDeclaration.quorum(full)
        fullQueue.arguments["x-max-length"] = .int(1)
        fullQueue.arguments["x-overflow"] = .string("reject-publish")
        let client = AMQPClient(
            configuration: fixture.amqp, topology: Topology(queues: [fullQueue, .quorum(normal)]), logger: logger)
        let metrics = RecordingMetrics()
        var settings = OutboxRelay.Settings()
        settings.batchSize = 6
        let relay = OutboxRelay(
            outbox: Outbox(schema: fixture.schema), pool: fixture.pool, listenerConfiguration: fixture.databaseConfiguration,
            publisher: client, logger: logger, settings: settings, metrics: metrics)
        // A quorum queue applies its limit after the fact: fill it past the limit first, on
        // the relay's own connection, which the queue then tells to refuse publishes.
        let fillers = try await client.publish((0..<2).map { message(full, "filler-\($0)") })
        #expect(fillers == [.confirmed, .confirmed])
        // The full queue's rows come first: they must not hold up the others. f-3 is beyond the batch.
        try await enqueue(
            fixture, (0..<3).map { message(full, "f-\($0)") } + (0..<3).map { message(normal, "n-\($0)") } + [message(full, "f-3")])

        #expect(await relay.publishBatch() == 6)
        var states = try await rowStates(fixture)
        for id in ["f-0", "f-1", "f-2"] {
            #expect(states[id]?.published == false)
            #expect(states[id]?.lastError?.contains("refused") == true)
        }
        for id in ["n-0", "n-1", "n-2"] { #expect(states[id]?.published == true) }
        #expect(relay.refusedDestinations() == [OutboxDestination(exchange: "", routingKey: full)])
        #expect(metrics.total("outbox_refused_total", [("schema", fixture.schema), ("exchange", ""), ("routing_key", full)]) == 3)

        // New rows for the normal queue flow; the full queue's other rows wait with the refused.
        try await enqueue(fixture, [message(normal, "n-3")])
        #expect(await relay.publishBatch() == 1)
        states = try await rowStates(fixture)
        #expect(states["n-3"]?.published == true)
        #expect(states["f-3"]?.published == false)
        #expect(relay.refusedDestinations() == [OutboxDestination(exchange: "", routingKey: full)])

        // Once the queue has room, the refused rows get through and the destination is no longer named.
        var received = try await drain(full, configuration: fixture.amqp)
        #expect(received == ["filler-0", "filler-1"])
        for _ in 0..<8 {
            try await releaseLeases(fixture)
            await relay.publishBatch()
            received += try await drain(full, configuration: fixture.amqp)
            if try await rowStates(fixture).values.allSatisfy({ $0.published }) { break }
        }
        states = try await rowStates(fixture)
        let unpublished = states.values.filter { !$0.published }.map(\.messageId)
        #expect(unpublished.isEmpty)
        #expect(Set(received) == ["filler-0", "filler-1", "f-0", "f-1", "f-2", "f-3"])
        #expect(relay.refusedDestinations().isEmpty)
        await client.close()
        await fixture.drop()
    }

    @Test("a row the client cannot encode is set aside for good with its reason; the rest of its batch is published")
    func unencodableRowSetAside() async throws {
        let fixture = try await Fixture.make()
        let queue = fixture.queue
        let client = AMQPClient(configuration: fixture.amqp, topology: Topology(queues: [.quorum(queue)]), logger: logger)
        let metrics = RecordingMetrics()
        let relay = OutboxRelay(
            outbox: Outbox(schema: fixture.schema), pool: fixture.pool, listenerConfiguration: fixture.databaseConfiguration,
            publisher: client, logger: logger, metrics: metrics)
        let huge = Dictionary(uniqueKeysWithValues: (0..<8).map { ("x-big-\($0)", AMQPFieldValue.string(String(repeating: "h", count: 20_000))) })
        try await enqueue(fixture, [message(queue, "u-0"), message(queue, "u-huge", headers: huge), message(queue, "u-1")])

        #expect(await relay.publishBatch() == 3)
        let states = try await rowStates(fixture)
        #expect(states["u-0"]?.published == true)
        #expect(states["u-1"]?.published == true)
        let setAside = try #require(states["u-huge"])
        #expect(!setAside.published)
        #expect(setAside.setAside)
        #expect(setAside.lastError?.hasPrefix("unencodable") == true)
        #expect(metrics.total("outbox_unencodable_total", [("schema", fixture.schema)]) == 1)
        // Never claimed again, however long one waits.
        try await releaseLeases(fixture)
        #expect(await relay.publishBatch() == 0)
        #expect(try await drain(queue, configuration: fixture.amqp) == ["u-0", "u-1"])
        await client.close()
        await fixture.drop()
    }
}
