import AMQP
import Contract
import Foundation
import Logging
import Postgres
import Synchronization
import TestSupport

/// The four services as real processes on the test vhost and database, plus what a test
/// needs to drive them from outside: an admin broker connection and the database.
final class TestCluster: Sendable {
    static let names = ["intake", "referral", "escalation", "notification"]
    private static let nextPortBlock = Mutex(0)

    let services: [String: ServiceProcess]
    let database: PostgresPool
    let broker: AMQPConnection
    let logger = Logger(label: "test.cluster")

    /// Redeliveries before a message is dead-lettered, as every test's services declare it.
    static let deliveryLimit = ServiceProcess.deliveryLimit

    private init(services: [String: ServiceProcess], database: PostgresPool, broker: AMQPConnection) {
        self.services = services
        self.database = database
        self.broker = broker
    }

    /// Starts the services (or only `only`) and waits until they are ready.
    static func start(only: [String] = names) async throws -> TestCluster {
        let block = nextPortBlock.withLock { value -> Int in
            value += 1
            return value
        }
        // Ports away from the running cluster's (8081–8084), distinct per process and cluster.
        let base = 21_000 + Int(getpid() % 200) * 40 + (block % 10) * 4
        var services: [String: ServiceProcess] = [:]
        for (index, name) in names.enumerated() {
            services[name] = try ServiceProcess(
                name: name, httpPort: base + index,
                extraEnvironment: ["DELIVERY_LIMIT": String(deliveryLimit), "LOG_LEVEL": "info"])
        }
        let database = PostgresPool(
            configuration: try PostgresConfiguration(url: TestEnvironment.databaseURL()), size: 2, logger: Logger(label: "test.db"))
        let broker = try await AMQPConnection.connect(
            AMQPConfiguration(url: TestEnvironment.amqpURL(), connectionName: "cluster-tests"), logger: Logger(label: "test.broker"))
        let cluster = TestCluster(services: services, database: database, broker: broker)
        for name in only { try services[name]!.start() }
        for name in only { try await services[name]!.waitUntilReady() }
        return cluster
    }

    subscript(name: String) -> ServiceProcess { services[name]! }

    func stop() async {
        for service in services.values { await service.stop() }
        await broker.close()
        await database.shutdown()
    }

    /// Runs `body` with a started cluster and always stops it afterwards.
    static func with(only: [String] = names, _ body: (TestCluster) async throws -> Void) async throws {
        let cluster = try await start(only: only)
        do {
            try await body(cluster)
        } catch {
            await cluster.stop()
            throw error
        }
        await cluster.stop()
    }

    /// Polls `query` (a count) until it reaches `expected` or the time is up; returns the last value.
    @discardableResult
    func waitForCount(_ sql: String, _ parameters: [PostgresValue] = [], toBe expected: Int, timeout: Duration = .seconds(30)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        var last = -1
        while ContinuousClock.now < deadline {
            last = try await count(sql, parameters)
            if last == expected { return last }
            try await Task.sleep(for: .milliseconds(100))
        }
        return last
    }

    func count(_ sql: String, _ parameters: [PostgresValue] = []) async throws -> Int {
        try await database.withConnection { connection in
            try connection.query(sql, parameters)[0][0].decode(Int.self)
        }
    }
}

extension TestCluster {
    /// The first message in `queue` that matches, read on a connection of its own (closed
    /// afterwards, so nothing it prefetched stays held); others it reads are acknowledged.
    /// Nil when none arrives within `timeout`.
    func firstMessage(
        in queue: String, timeout: Duration = .seconds(30), where matches: @escaping @Sendable (Delivery) -> Bool
    ) async throws -> Delivery? {
        let connection = try await AMQPConnection.connect(
            AMQPConfiguration(url: TestEnvironment.amqpURL(), connectionName: "cluster-tests-reader"), logger: Logger(label: "test.reader"))
        let consumer = try await connection.consume(queue: queue, prefetch: 200)
        let found = try await withThrowingTaskGroup(of: Delivery?.self) { group in
            group.addTask {
                for try await delivery in consumer.deliveries {
                    delivery.ack()
                    if matches(delivery) { return delivery }
                }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
        await connection.close()
        return found
    }
}
