import AMQP
import Foundation
import Logging
import Messaging
import Postgres
import TestSupport
import Testing

/// The outbox → broker → inbox path on the real servers, without the services.
@Suite("Outbox and inbox on real servers")
struct OutboxInboxTests {
    let logger = Logger(label: "test.messaging")

    struct Fixture {
        let schema: String
        let pool: PostgresPool
        let databaseConfiguration: PostgresConfiguration
        let amqp: AMQPConfiguration
        let queue: String

        static func make() async throws -> Fixture {
            let schema = TestEnvironment.uniqueName("messaging")
            let databaseConfiguration = try PostgresConfiguration(url: TestEnvironment.databaseURL())
            let pool = PostgresPool(configuration: databaseConfiguration, size: 4, logger: Logger(label: "test.db"))
            let migrations = [MessagingMigration.version1, Migration(version: 2, name: "effects", sql: "CREATE TABLE effects (message_id text NOT NULL)")]
            _ = try await Migrator(schema: schema, migrations: migrations, logger: Logger(label: "test.migrate")).migrate(pool)
            let amqp = try AMQPConfiguration(url: TestEnvironment.amqpURL(), connectionName: "messaging-tests")
            return Fixture(schema: schema, pool: pool, databaseConfiguration: databaseConfiguration, amqp: amqp, queue: TestEnvironment.uniqueName("messaging.q"))
        }

        func drop() async {
            _ = try? await pool.withConnection { connection in
                try connection.execute("DROP SCHEMA \(PostgresIdentifier.quoted(schema)) CASCADE")
            }
            await pool.shutdown()
        }
    }

    /// Records each message's id in `effects`, or throws for bodies saying "fail".
    struct RecordingHandler: MessageHandler {
        let schema: String
        struct Refused: Error {}
        func handle(_ delivery: Delivery, in connection: PostgresConnection) throws -> HandlingOutcome {
            if delivery.body == Array("fail".utf8) { throw Refused() }
            try connection.execute(
                "INSERT INTO \(PostgresIdentifier.quoted(schema)).effects (message_id) VALUES ($1)", [.text(delivery.properties.messageId ?? "")])
            return .applied
        }
    }

    @Test("committed outbox messages are published once each and applied once, redeliveries included")
    func outboxToInbox() async throws {
        let fixture = try await Fixture.make()
        let topology = Topology(queues: [.quorum(fixture.queue)])
        let publisher = AMQPClient(configuration: fixture.amqp, topology: topology, logger: logger)
        let consumerClient = AMQPClient(configuration: fixture.amqp, topology: topology, logger: logger)
        let outbox = Outbox(schema: fixture.schema)
        let relay = OutboxRelay(outbox: outbox, pool: fixture.pool, listenerConfiguration: fixture.databaseConfiguration, publisher: publisher, logger: logger)
        let consumer = MessageConsumer(
            queue: fixture.queue, consumerClient: consumerClient, publisher: publisher, pool: fixture.pool,
            inbox: Inbox(schema: fixture.schema), handler: RecordingHandler(schema: fixture.schema), logger: logger)

        let queue = fixture.queue
        // 300 committed, 50 rolled back.
        try await fixture.pool.withTransaction { connection in
            for index in 0..<300 {
                try outbox.enqueue(OutgoingMessage(exchange: "", routingKey: queue, properties: .persistentJSON(messageId: "m-\(index)", type: "t"), body: Array("\(index)".utf8)), on: connection)
            }
        }
        struct Rollback: Error {}
        _ = try? await fixture.pool.withTransaction { connection in
            for index in 300..<350 {
                try outbox.enqueue(OutgoingMessage(exchange: "", routingKey: queue, properties: .persistentJSON(messageId: "m-\(index)", type: "t"), body: []), on: connection)
            }
            throw Rollback()
        }
        // The same message id published again directly: a redelivery in effect.
        _ = try await publisher.publish([OutgoingMessage(exchange: "", routingKey: queue, properties: .persistentJSON(messageId: "m-7", type: "t"), body: Array("7".utf8))])

        let relayTask = Task { try await relay.run() }
        let consumerTask = Task { try await consumer.run() }
        let effects = "SELECT count(*) FROM \(PostgresIdentifier.quoted(fixture.schema)).effects"
        var count = 0
        for _ in 0..<300 where count < 300 {
            count = try await fixture.pool.withConnection { try $0.query(effects)[0][0].decode(Int.self) }
            if count < 300 { try await Task.sleep(for: .milliseconds(100)) }
        }
        try await Task.sleep(for: .milliseconds(500))
        count = try await fixture.pool.withConnection { try $0.query(effects)[0][0].decode(Int.self) }
        #expect(count == 300)
        let distinct = try await fixture.pool.withConnection {
            try $0.query("SELECT count(DISTINCT message_id) FROM \(PostgresIdentifier.quoted(fixture.schema)).effects")[0][0].decode(Int.self)
        }
        #expect(distinct == 300)
        let pending = try await fixture.pool.withConnection {
            try $0.query("SELECT count(*) FROM \(PostgresIdentifier.quoted(fixture.schema)).outbox WHERE published_at IS NULL")[0][0].decode(Int.self)
        }
        #expect(pending == 0)
        relayTask.cancel()
        consumerTask.cancel()
        await publisher.close()
        await consumerClient.close()
        await fixture.drop()
    }

    @Test("an unroutable outbox message is retried until it can be routed, not dropped")
    func unroutableIsRetried() async throws {
        let fixture = try await Fixture.make()
        let publisher = AMQPClient(configuration: fixture.amqp, logger: logger)
        let outbox = Outbox(schema: fixture.schema)
        let relay = OutboxRelay(outbox: outbox, pool: fixture.pool, listenerConfiguration: fixture.databaseConfiguration, publisher: publisher, logger: logger)
        let queue = fixture.queue
        try await fixture.pool.withTransaction { connection in
            try outbox.enqueue(OutgoingMessage(exchange: "", routingKey: queue, properties: .persistentJSON(messageId: "late", type: "t"), body: []), on: connection)
            try outbox.enqueue(OutgoingMessage(exchange: "", routingKey: "amq.gen-gone", properties: .persistentJSON(messageId: "reply", type: "t"), body: []), dropIfUnroutable: true, on: connection)
        }
        #expect(await relay.publishBatch() == 2)
        let table = "\(PostgresIdentifier.quoted(fixture.schema)).outbox"
        let states = try await fixture.pool.withConnection { connection in
            try connection.query("SELECT message_id, published_at IS NOT NULL AS done, last_error FROM \(table) ORDER BY id").map {
                (try $0["message_id"].decode(String.self), try $0["done"].decode(Bool.self), try $0["last_error"].decodeIfPresent(String.self))
            }
        }
        #expect(states.count == 2)
        #expect(states[0].1 == false)
        #expect(states[0].2?.contains("unroutable") == true)
        #expect(states[1].1 == true)
        // Once the queue exists, the retry gets through.
        let connection = try await AMQPConnection.connect(fixture.amqp, topology: Topology(queues: [.quorum(queue)]), logger: logger)
        try await fixture.pool.withConnection { connection in
            try connection.execute("UPDATE \(table) SET claimed_until = NULL")
        }
        #expect(await relay.publishBatch() == 1)
        let consumer = try await connection.consume(queue: queue, prefetch: 1)
        for try await delivery in consumer.deliveries {
            #expect(delivery.properties.messageId == "late")
            delivery.ack()
            break
        }
        await connection.close()
        await publisher.close()
        await fixture.drop()
    }
}
