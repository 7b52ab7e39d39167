import Foundation
import AMQP
import Contract
import Logging
import Messaging
import Postgres
import ServiceLifecycle

/// What makes one of the cluster's services: its schema and migrations, its broker
/// topology, the queues it consumes and any services of its own (timers, servers).
///
/// `configure` reads the service's own configuration (policies, reference lists) once,
/// at start and before anything connects, so a bad file stops the service with a clear
/// error; the result is handed to the other closures.
public struct ClusterServiceDefinition<Configuration: Sendable>: Sendable {
    public var name: String
    public var schema: String
    public var defaultHTTPPort: Int
    public var migrations: [Migration]
    public var configure: @Sendable (EnvironmentReader) throws -> Configuration
    public var topology: @Sendable (ServiceSettings, Configuration) throws -> Topology
    public var consumers: @Sendable (ClusterServiceContext, Configuration) throws -> [ConsumerDefinition]
    public var additionalServices: @Sendable (ClusterServiceContext, Configuration) throws -> [any Service]
    /// What `/readyz` shows beside its checks (e.g. open circuits), without deciding readiness.
    public var readinessDetails: @Sendable (ClusterServiceContext, Configuration) -> [ReadinessDetail]

    public init(
        name: String, schema: String, defaultHTTPPort: Int, migrations: [Migration],
        configure: @escaping @Sendable (EnvironmentReader) throws -> Configuration,
        topology: @escaping @Sendable (ServiceSettings, Configuration) throws -> Topology,
        consumers: @escaping @Sendable (ClusterServiceContext, Configuration) throws -> [ConsumerDefinition],
        additionalServices: @escaping @Sendable (ClusterServiceContext, Configuration) throws -> [any Service] = { _, _ in [] },
        readinessDetails: @escaping @Sendable (ClusterServiceContext, Configuration) -> [ReadinessDetail] = { _, _ in [] }
    ) {
        self.name = name
        self.schema = schema
        self.defaultHTTPPort = defaultHTTPPort
        self.migrations = [MessagingMigration.version1] + migrations
        self.configure = configure
        self.topology = topology
        self.consumers = consumers
        self.additionalServices = additionalServices
        self.readinessDetails = readinessDetails
    }
}

/// A queue and what handles its messages.
public struct ConsumerDefinition: Sendable {
    public var queue: String
    public var handler: any MessageHandler

    public init(queue: String, handler: any MessageHandler) {
        self.queue = queue
        self.handler = handler
    }
}

/// The shared resources a service's handlers and services are built with.
public struct ClusterServiceContext: Sendable {
    public var settings: ServiceSettings
    public var environment: EnvironmentReader
    public var pool: PostgresPool
    public var databaseConfiguration: PostgresConfiguration
    public var publisher: AMQPClient
    public var outbox: Outbox
    public var inbox: Inbox
    public var logger: Logger
}

/// Runs a service of the cluster: configuration from the environment, structured logs,
/// metrics, migrations, broker topology, the outbox relay, consumers and the health
/// server, with graceful shutdown on SIGTERM (consumers stop first, the outbox is
/// flushed, the health server goes last).
public enum ClusterService {
    public static func run<Configuration: Sendable>(
        _ definition: ClusterServiceDefinition<Configuration>, environment: EnvironmentReader = EnvironmentReader()) async throws {
        let settings: ServiceSettings
        let configuration: Configuration
        do {
            settings = try ServiceSettings(environment: environment, defaultHTTPPort: definition.defaultHTTPPort)
            configuration = try definition.configure(environment)
        } catch {
            // Logging is not set up yet: say what is wrong plainly and stop.
            FileHandleOutput.standardError("\(definition.name): configuration error: \(error)")
            // A plain exit with the reason, not a crash report: nothing has started yet.
            exit(78)
        }
        _ = LoggingBootstrap.bootstrap(service: definition.name, level: settings.logLevel, format: settings.logFormat)
        let registry = MetricsBootstrap.bootstrap()
        let logger = Logger(label: definition.name)

        let databaseConfiguration = settings.database
        let amqpConfiguration = settings.amqpConfiguration(connectionName: "\(definition.name)-publish")
        var consumerConfiguration = amqpConfiguration
        consumerConfiguration.connectionName = "\(definition.name)-consume"
        let topology = try definition.topology(settings, configuration)

        let pool = PostgresPool(configuration: databaseConfiguration, size: settings.databasePoolSize, logger: logger)
        // Publishing and consuming use separate connections: a broker that blocks
        // publishers (resource alarm) must not stop acknowledgements.
        let publisher = AMQPClient(configuration: amqpConfiguration, topology: topology, logger: logger)
        let consumerClient = AMQPClient(configuration: consumerConfiguration, topology: topology, logger: logger)

        let migrator = Migrator(schema: definition.schema, migrations: definition.migrations, logger: logger)
        let migrated = ReadinessState()
        try await migrateWithRetry(migrator, pool: pool, logger: logger)
        migrated.markReady()

        let context = ClusterServiceContext(
            settings: settings, environment: environment, pool: pool, databaseConfiguration: databaseConfiguration,
            publisher: publisher, outbox: Outbox(schema: definition.schema, relayWake: WakeSignal()), inbox: Inbox(schema: definition.schema), logger: logger)
        var consumerSettings = MessageConsumer.Settings()
        consumerSettings.prefetch = UInt16(settings.amqpPrefetch)
        consumerSettings.deliveryLimit = settings.deliveryLimit
        let consumers = try definition.consumers(context, configuration).map { consumer in
            MessageConsumer(
                queue: consumer.queue, consumerClient: consumerClient, publisher: publisher, pool: pool, inbox: context.inbox,
                handler: consumer.handler, logger: logger, settings: consumerSettings) as any Service
        }
        let relay = OutboxRelay(
            outbox: context.outbox, pool: pool, listenerConfiguration: databaseConfiguration, publisher: publisher, logger: logger)
        let health = HealthServer(
            host: settings.httpHost, port: settings.httpPort, registry: registry,
            readinessChecks: [
                ReadinessCheck(name: "database") { await pool.ping() },
                ReadinessCheck(name: "broker") { await publisher.condition().isReady },
                ReadinessCheck(name: "migrations", state: migrated),
            ],
            readinessDetails: [
                // Why the broker check fails: an alarm, a refused login, the last connect error.
                ReadinessDetail(name: "broker") {
                    let condition = await publisher.condition()
                    return condition.isReady ? [] : [condition.description]
                },
                // Shown, never deciding readiness: a full agency queue holds back only its own messages.
                ReadinessDetail(name: "outbox") {
                    relay.refusedDestinations().map { "refused by the broker (queue full?): \($0)" }
                },
            ] + definition.readinessDetails(context, configuration),
            logger: logger)
        let services: [any Service] = [health, relay] + (try definition.additionalServices(context, configuration)) + consumers
        let runner = ServiceRunner(services: services, logger: logger, gracePeriod: settings.shutdownGrace)
        do {
            try await runner.run()
        } catch {
            logger.error("service stopped with an error", metadata: ["error": "\(error)"])
        }
        await consumerClient.close()
        await publisher.close()
        await pool.shutdown()
        logger.info("stopped")
    }

    /// The database may still be starting: keep trying, loudly, until migrations apply.
    private static func migrateWithRetry(_ migrator: Migrator, pool: PostgresPool, logger: Logger) async throws {
        var attempt = 0
        let backoff = Backoff(initial: .milliseconds(250), maximum: .seconds(5))
        while true {
            do {
                let applied = try await migrator.migrate(pool)
                logger.info("migrations up to date", metadata: ["applied": "\(applied)"])
                return
            } catch let error as MigrationError {
                // The database is ahead of this binary or tampered with: do not run.
                logger.critical("migrations refused; not starting", metadata: ["error": "\(error)"])
                exit(78)
            } catch {
                logger.warning("migrations not applied yet; retrying", metadata: ["error": "\(error)", "attempt": "\(attempt)"])
                try await Task.sleep(for: backoff.delay(attempt: attempt))
                attempt += 1
            }
        }
    }
}
