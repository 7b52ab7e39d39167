import AMQP
import Contract
import Foundation
import Logging
import Messaging
import Postgres
import Prometheus
import Retry
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
    /// `DATABASE_POOL_SIZE` when unset: more for a service that writes from many tasks at once.
    public var defaultDatabasePoolSize: Int
    public var migrations: [Migration]
    public var configure: @Sendable (EnvironmentReader) throws -> Configuration
    public var topology: @Sendable (ServiceSettings, Configuration) throws -> BrokerTopology
    public var consumers: @Sendable (ClusterServiceContext, Configuration) throws -> [ConsumerDefinition]
    public var additionalServices: @Sendable (ClusterServiceContext, Configuration) throws -> [any Service]
    /// What `/readyz` shows beside its checks (e.g. open circuits), without deciding readiness.
    public var readinessDetails: @Sendable (ClusterServiceContext, Configuration) -> [ReadinessDetail]

    public init(
        name: String, schema: String, defaultHTTPPort: Int, defaultDatabasePoolSize: Int = 4, migrations: [Migration],
        configure: @escaping @Sendable (EnvironmentReader) throws -> Configuration,
        topology: @escaping @Sendable (ServiceSettings, Configuration) throws -> BrokerTopology,
        consumers: @escaping @Sendable (ClusterServiceContext, Configuration) throws -> [ConsumerDefinition],
        additionalServices: @escaping @Sendable (ClusterServiceContext, Configuration) throws -> [any Service] = { _, _ in [] },
        readinessDetails: @escaping @Sendable (ClusterServiceContext, Configuration) -> [ReadinessDetail] = { _, _ in [] }
    ) {
        self.name = name
        self.schema = schema
        self.defaultHTTPPort = defaultHTTPPort
        self.defaultDatabasePoolSize = defaultDatabasePoolSize
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
/// server, all in one `ServiceGroup` with graceful shutdown on SIGTERM or SIGINT
/// (consumers stop first, the outbox is flushed, the health server goes after them and
/// the broker clients and database pool last). SIGQUIT, or the grace period running
/// out, cancels what is still running.
public enum ClusterService {
    /// Runs the service until it is asked to stop, and returns the process's exit status:
    /// 0 then, otherwise the failure's (``ServiceFailure/exitStatus``).
    public static func exitStatus<Configuration: Sendable>(
        running definition: ClusterServiceDefinition<Configuration>, environment: EnvironmentReader = EnvironmentReader()
    ) async -> Int32 {
        do {
            try await run(definition, environment: environment)
            return 0
        } catch {
            return error.exitStatus
        }
    }

    /// Runs the service until it is asked to stop.
    ///
    /// - Throws: ``ServiceFailure``, already reported (on standard error before logging
    ///   is set up, in the log after).
    public static func run<Configuration: Sendable>(
        _ definition: ClusterServiceDefinition<Configuration>, environment: EnvironmentReader = EnvironmentReader()
    ) async throws(ServiceFailure) {
        let settings: ServiceSettings
        let configuration: Configuration
        let topology: Topology
        do {
            settings = try ServiceSettings(
                environment: environment, defaultHTTPPort: definition.defaultHTTPPort,
                defaultDatabasePoolSize: definition.defaultDatabasePoolSize)
            configuration = try definition.configure(environment)
            topology = Topology(try definition.topology(settings, configuration), limits: settings.queueLimits)
        } catch {
            // Logging is not set up yet: say what is wrong plainly; nothing has started.
            let failure = ServiceFailure.configuration(error)
            FileHandleOutput.standardError("\(definition.name): \(failure)")
            throw failure
        }
        _ = LoggingBootstrap.bootstrap(service: definition.name, level: settings.logLevel, format: settings.logFormat)
        let registry = MetricsBootstrap.bootstrap()
        let logger = Logger(label: definition.name)
        do throws(ServiceFailure) {
            try await runServices(
                definition, settings: settings, configuration: configuration, topology: topology, environment: environment,
                registry: registry, logger: logger)
        } catch {
            logger.critical("\(error)")
            throw error
        }
        logger.info("stopped")
    }

    private static func runServices<Configuration: Sendable>(
        _ definition: ClusterServiceDefinition<Configuration>, settings: ServiceSettings, configuration: Configuration,
        topology: Topology, environment: EnvironmentReader, registry: PrometheusCollectorRegistry, logger: Logger
    ) async throws(ServiceFailure) {
        let databaseConfiguration = settings.database
        let amqpConfiguration = settings.amqpConfiguration(connectionName: "\(definition.name)-publish")
        var consumerConfiguration = amqpConfiguration
        consumerConfiguration.connectionName = "\(definition.name)-consume"

        let pool = PostgresPool(configuration: databaseConfiguration, size: settings.databasePoolSize, logger: logger)
        // Publishing and consuming use separate connections: a broker that blocks
        // publishers (resource alarm) must not stop acknowledgements.
        let publisher = AMQPClient(configuration: amqpConfiguration, topology: topology, logger: logger)
        let consumerClient = AMQPClient(configuration: consumerConfiguration, topology: topology, logger: logger)
        // Started first, so stopped last: every user of the clients and the pool is gone by then.
        let resources = ShutdownAction(name: "connections") {
            await consumerClient.close()
            await publisher.close()
            await pool.shutdown()
        }

        let migrator = Migrator(schema: definition.schema, migrations: definition.migrations, logger: logger)
        let migrated = ReadinessState()
        do throws(ServiceFailure) {
            try await migrateWithRetry(migrator, pool: pool, logger: logger)
        } catch {
            await resources.action()
            throw error
        }
        migrated.markReady()

        let context = ClusterServiceContext(
            settings: settings, environment: environment, pool: pool, databaseConfiguration: databaseConfiguration,
            publisher: publisher, outbox: Outbox(schema: definition.schema, relayWake: WakeSignal()), inbox: Inbox(schema: definition.schema), logger: logger)
        var consumerSettings = MessageConsumer.Settings()
        consumerSettings.prefetch = UInt16(settings.amqpPrefetch)
        consumerSettings.batchSize = settings.consumerBatchSize
        consumerSettings.deliveryLimit = settings.deliveryLimit
        let consumers: [any Service]
        let additionalServices: [any Service]
        do {
            consumers = try definition.consumers(context, configuration).map { consumer in
                MessageConsumer(
                    queue: consumer.queue, consumerClient: consumerClient, publisher: publisher, pool: pool, inbox: context.inbox,
                    handler: consumer.handler, logger: logger, settings: consumerSettings) as any Service
            }
            additionalServices = try definition.additionalServices(context, configuration)
        } catch {
            await resources.action()
            throw .configuration(error)
        }
        let relay = OutboxRelay(
            outbox: context.outbox, pool: pool, listenerConfiguration: databaseConfiguration, publisher: publisher, logger: logger)
        // The workers start once the health port is bound: an instance that cannot serve it
        // stops before taking any work.
        let listening = StartGate()
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
            logger: logger,
            onListening: { _ in listening.open() })
        let workers = ([relay] + additionalServices + consumers).map { GatedService(gate: listening, worker: $0) as any Service }
        let group = ServiceGroup.cluster(
            services: [resources, health] + workers, gracePeriod: settings.shutdownGrace, logger: logger)
        do {
            try await group.run()
        } catch {
            throw .stopped(error)
        }
    }

    /// The database may still be starting: keep trying, loudly, until migrations apply.
    private static func migrateWithRetry(_ migrator: Migrator, pool: PostgresPool, logger: Logger) async throws(ServiceFailure) {
        var attempt = 0
        let backoff = Backoff(initial: .milliseconds(250), maximum: .seconds(5))
        while true {
            do {
                let applied = try await migrator.migrate(pool)
                logger.info("migrations up to date", metadata: ["applied": "\(applied)"])
                return
            } catch let error as MigrationError {
                // The database is ahead of this binary or tampered with: do not run.
                throw .migrationsRefused(error)
            } catch {
                logger.warning("migrations not applied yet; retrying", metadata: ["error": "\(error)", "attempt": "\(attempt)"])
                do {
                    try await Task.sleep(for: backoff.delay(attempt: attempt))
                } catch {
                    throw .stopped(error)
                }
                attempt += 1
            }
        }
    }
}
