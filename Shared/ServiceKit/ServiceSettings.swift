import AMQP
import Foundation
import Logging
import Postgres

/// Settings every service process reads from its environment.
///
/// Broker and database locations have no default: a service must be told where they
/// are, so a misconfigured deployment fails at start rather than talking to the wrong
/// place. Everything else has a default suited to local use.
public struct ServiceSettings: Sendable {
    /// `AMQP_URL` (several nodes: several URLs separated by commas) with `AMQP_CA_FILE`,
    /// `AMQP_CERT_FILE`, `AMQP_KEY_FILE` (for `amqps://`; the URL's `cacertfile`, `certfile`,
    /// `keyfile` take precedence) and the `AMQP_*` settings below; parsed and checked once.
    public var broker: AMQPConfiguration
    /// `DATABASE_URL`, parsed and checked once.
    public var database: PostgresConfiguration
    /// `HTTP_HOST`: address the health/metrics server binds to (default `127.0.0.1`).
    public var httpHost: String
    /// `HTTP_PORT`: port of the health/metrics server (default given per service).
    public var httpPort: Int
    /// `LOG_LEVEL`: lowest level written (default `info`).
    public var logLevel: Logger.Level
    /// `LOG_FORMAT`: `json` (default) or `text`.
    public var logFormat: LogFormat
    /// `AMQP_PREFETCH`: unacknowledged deliveries per consumer (default 100).
    public var amqpPrefetch: Int
    /// Deliveries a consumer applies in one transaction (`CONSUMER_BATCH_SIZE`, at most the prefetch).
    public var consumerBatchSize: Int
    /// `AMQP_HEARTBEAT`: heartbeat interval asked of the broker (default 30 s, 0 disables).
    public var amqpHeartbeat: Duration
    /// `AMQP_PUBLISH_TIMEOUT`: how long a publish waits for its confirms, e.g. while the
    /// broker blocks publishers on a memory or disk alarm (default 30 s).
    public var amqpPublishTimeout: Duration
    /// `AMQP_MAX_MESSAGE_SIZE`: the broker's `max_message_size` in bytes (default 1 MiB, as
    /// deploy/local configures it); a larger message is refused before it is sent.
    public var amqpMaxMessageSize: Int
    /// `DATABASE_POOL_SIZE`: database connections kept open (default 4).
    public var databasePoolSize: Int
    /// `DELIVERY_LIMIT`: deliveries of one message before it is set aside (default 10).
    public var deliveryLimit: Int
    /// `SHUTDOWN_GRACE`: time allowed for graceful shutdown before cancelling (default 20 s).
    public var shutdownGrace: Duration
    /// `QUEUE_MAX_LENGTH` and `QUEUE_MAX_BYTES`: how much each queue the service declares may
    /// hold before the broker refuses more (default 100,000 messages, 1 GiB).
    public var queueLimits: QueueLimits

    /// Reads and validates the settings.
    ///
    /// - Parameters:
    ///   - environment: where the variables come from.
    ///   - defaultHTTPPort: the service's own default `HTTP_PORT` (8081…8084).
    ///   - defaultDatabasePoolSize: the service's own default `DATABASE_POOL_SIZE`.
    /// - Throws: ``ConfigurationError`` for the first missing or invalid variable.
    public init(
        environment: EnvironmentReader = EnvironmentReader(),
        defaultHTTPPort: Int, defaultDatabasePoolSize: Int = 4
    ) throws(ConfigurationError) {
        let amqpURL = try environment.required("AMQP_URL")
        let tlsFiles = (
            ca: environment.string("AMQP_CA_FILE"), certificate: environment.string("AMQP_CERT_FILE"),
            key: environment.string("AMQP_KEY_FILE"))
        database = try Self.database(url: try environment.required("DATABASE_URL"))
        httpHost = environment.string("HTTP_HOST", default: "127.0.0.1")
        httpPort = try environment.int("HTTP_PORT", default: defaultHTTPPort, range: 0...65_535)
        logLevel = try Self.logLevel(environment)
        logFormat = try Self.logFormat(environment)
        // basic.qos carries the prefetch count in 16 bits; 0 would mean "unlimited".
        amqpPrefetch = try environment.int("AMQP_PREFETCH", default: 100, range: 1...65_535)
        // Half the prefetch by default: the next batch arrives while one commits.
        consumerBatchSize = try environment.int("CONSUMER_BATCH_SIZE", default: max(1, amqpPrefetch / 2), range: 1...amqpPrefetch)
        // The heartbeat is negotiated in whole seconds, 16 bits.
        amqpHeartbeat = try environment.duration(
            "AMQP_HEARTBEAT", default: .seconds(30), range: .zero ... .seconds(65_535))
        amqpPublishTimeout = try environment.duration(
            "AMQP_PUBLISH_TIMEOUT", default: .seconds(30), range: .seconds(1) ... .seconds(3_600))
        // RabbitMQ accepts at most 512 MiB.
        amqpMaxMessageSize = try environment.int("AMQP_MAX_MESSAGE_SIZE", default: 1_048_576, range: 4_096...536_870_912)
        databasePoolSize = try environment.int("DATABASE_POOL_SIZE", default: defaultDatabasePoolSize, range: 1...100)
        deliveryLimit = try environment.int("DELIVERY_LIMIT", default: 10, range: 1...1_000)
        shutdownGrace = try environment.duration(
            "SHUTDOWN_GRACE", default: .seconds(20), range: .zero ... .seconds(3_600))
        queueLimits = QueueLimits(
            maxLength: try environment.int("QUEUE_MAX_LENGTH", default: QueueLimits.standard.maxLength, range: 1...100_000_000),
            maxBytes: try environment.int("QUEUE_MAX_BYTES", default: QueueLimits.standard.maxBytes, range: 1_048_576...(1 << 40)))
        // Checked here, so a broker URL that cannot be used stops the service at start (exit 78).
        broker = try Self.broker(
            url: amqpURL, tlsFiles: tlsFiles, heartbeat: amqpHeartbeat, publishTimeout: amqpPublishTimeout,
            maxMessageSize: amqpMaxMessageSize)
    }

    private static let levelNames = Logger.Level.allCases.map(\.rawValue)

    /// The broker configuration for one connection of the service.
    public func amqpConfiguration(connectionName: String) -> AMQPConfiguration {
        var configuration = broker
        configuration.connectionName = connectionName
        return configuration
    }

    /// `AMQP_URL` with the TLS files of the environment. A broker on another machine needs
    /// `amqps://` with a CA file, as the database needs verify-full: the password and
    /// personal data would otherwise cross the network readable or to an impostor.
    private static func broker(
        url: String, tlsFiles: (ca: String?, certificate: String?, key: String?), heartbeat: Duration, publishTimeout: Duration,
        maxMessageSize: Int
    ) throws(ConfigurationError) -> AMQPConfiguration {
        var configuration: AMQPConfiguration
        do {
            configuration = try AMQPConfiguration(url: url)
        } catch {
            throw ConfigurationError(variable: "AMQP_URL", problem: .unsafe("is not usable: \(error)"))
        }
        configuration.heartbeat = .seconds(heartbeat.components.seconds)
        configuration.publishTimeout = publishTimeout
        configuration.maxMessageSize = maxMessageSize
        if var tls = configuration.tls {
            tls.caCertificatePath = tls.caCertificatePath ?? tlsFiles.ca
            tls.clientCertificatePath = tls.clientCertificatePath ?? tlsFiles.certificate
            tls.clientKeyPath = tls.clientKeyPath ?? tlsFiles.key
            if (tls.clientCertificatePath == nil) != (tls.clientKeyPath == nil) {
                throw ConfigurationError(variable: "AMQP_CERT_FILE", problem: .unsafe("and AMQP_KEY_FILE go together"))
            }
            configuration.tls = tls
        } else if tlsFiles.ca != nil || tlsFiles.certificate != nil || tlsFiles.key != nil {
            throw ConfigurationError(variable: "AMQP_CA_FILE", problem: .unsafe("and the other TLS files need an amqps:// AMQP_URL"))
        }
        if let problem = configuration.transportSecurityProblem {
            throw ConfigurationError(variable: "AMQP_URL", problem: .unsafe(problem))
        }
        return configuration
    }

    /// `DATABASE_URL`, refused when it cannot be parsed or would reach another machine
    /// without a verified TLS connection.
    private static func database(url: String) throws(ConfigurationError) -> PostgresConfiguration {
        let configuration: PostgresConfiguration
        do {
            configuration = try PostgresConfiguration(url: url)
        } catch {
            throw ConfigurationError(variable: "DATABASE_URL", problem: .unsafe("is not usable: \(error)"))
        }
        if let problem = configuration.transportSecurityProblem {
            throw ConfigurationError(variable: "DATABASE_URL", problem: .unsafe(problem))
        }
        return configuration
    }

    private static func logLevel(_ environment: EnvironmentReader) throws(ConfigurationError) -> Logger.Level {
        let name = "LOG_LEVEL"
        guard let raw = environment.string(name) else { return .info }
        // "warn" is accepted because most other tools spell it that way.
        let spelled = raw.lowercased() == "warn" ? "warning" : raw.lowercased()
        guard let level = Logger.Level(rawValue: spelled) else {
            throw ConfigurationError(variable: name, problem: .notOneOf(levelNames), value: raw)
        }
        return level
    }

    private static func logFormat(_ environment: EnvironmentReader) throws(ConfigurationError) -> LogFormat {
        let name = "LOG_FORMAT"
        guard let raw = environment.string(name) else { return .json }
        guard let format = LogFormat(rawValue: raw.lowercased()) else {
            throw ConfigurationError(
                variable: name, problem: .notOneOf(LogFormat.allCases.map(\.rawValue)), value: raw)
        }
        return format
    }
}

extension ServiceSettings: CustomStringConvertible {
    /// A summary safe to log: URLs are reduced to scheme, host, port and path.
    public var description: String {
        "amqp=\(broker) database=\(database) "
            + "http=\(httpHost):\(httpPort) log=\(logLevel.rawValue)/\(logFormat.rawValue) "
            + "prefetch=\(amqpPrefetch) batch=\(consumerBatchSize) heartbeat=\(amqpHeartbeat) publishTimeout=\(amqpPublishTimeout) pool=\(databasePoolSize) "
            + "deliveryLimit=\(deliveryLimit) shutdownGrace=\(shutdownGrace) "
            + "queueMaxLength=\(queueLimits.maxLength) queueMaxBytes=\(queueLimits.maxBytes)"
    }
}
