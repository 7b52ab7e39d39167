import AMQP
import Logging
import Testing

@testable import ServiceKit

@Suite("ServiceSettings")
struct ServiceSettingsTests {
    static let required = [
        "AMQP_URL": "amqps://intake:pa55word@broker.internal:5671/reintegration?cacertfile=/etc/ssl/ca.pem",
        "DATABASE_URL": "postgresql://intake:pa55word@db.internal:5432/reintegration?sslmode=verify-full&sslrootcert=/etc/ssl/ca.pem",
    ]

    @Test("defaults apply when only the required variables are set")
    func defaults() throws {
        let settings = try ServiceSettings(environment: EnvironmentReader(Self.required), defaultHTTPPort: 8082)
        #expect(settings.broker.nodes == [.init(host: "broker.internal", port: 5671)])
        #expect(settings.broker.user == "intake" && settings.broker.password == "pa55word")
        #expect(settings.broker.tls?.caCertificatePath == "/etc/ssl/ca.pem")
        #expect(settings.broker.heartbeat == .seconds(30))
        #expect(settings.database.endpoints == [.init(host: "db.internal", port: 5432)])
        #expect(settings.database.sslMode == .verifyFull)
        #expect(settings.httpHost == "127.0.0.1")
        #expect(settings.httpPort == 8082)
        #expect(settings.logLevel == .info)
        #expect(settings.logFormat == .json)
        #expect(settings.amqpPrefetch == 100)
        #expect(settings.amqpHeartbeat == .seconds(30))
        #expect(settings.databasePoolSize == 4)
        #expect(settings.deliveryLimit == 10)
        #expect(settings.shutdownGrace == .seconds(20))
    }

    @Test("every variable can be overridden")
    func overrides() throws {
        let environment = Self.required.merging([
            "HTTP_HOST": "0.0.0.0", "HTTP_PORT": "9000", "LOG_LEVEL": "warn", "LOG_FORMAT": "TEXT",
            "AMQP_PREFETCH": "250", "AMQP_HEARTBEAT": "15s", "DATABASE_POOL_SIZE": "8",
            "DELIVERY_LIMIT": "5", "SHUTDOWN_GRACE": "500ms",
        ]) { _, new in new }
        let settings = try ServiceSettings(environment: EnvironmentReader(environment), defaultHTTPPort: 8081)
        #expect(settings.httpHost == "0.0.0.0")
        #expect(settings.httpPort == 9000)
        #expect(settings.logLevel == .warning)
        #expect(settings.logFormat == .text)
        #expect(settings.amqpPrefetch == 250)
        #expect(settings.amqpHeartbeat == .seconds(15))
        #expect(settings.databasePoolSize == 8)
        #expect(settings.deliveryLimit == 5)
        #expect(settings.shutdownGrace == .milliseconds(500))
    }

    @Test("broker and database locations are required", arguments: ["AMQP_URL", "DATABASE_URL"])
    func requiredLocations(variable: String) {
        var environment = Self.required
        environment[variable] = nil
        #expect(throws: ConfigurationError(variable: variable, problem: .missing)) {
            try ServiceSettings(environment: EnvironmentReader(environment), defaultHTTPPort: 8081)
        }
    }

    @Test("bad values are refused", arguments: [
        ("LOG_LEVEL", "loud"), ("LOG_FORMAT", "xml"), ("HTTP_PORT", "70000"), ("AMQP_PREFETCH", "0"),
        ("AMQP_HEARTBEAT", "-1"), ("DATABASE_POOL_SIZE", "many"), ("SHUTDOWN_GRACE", "2d"),
        ("QUEUE_MAX_LENGTH", "0"), ("QUEUE_MAX_BYTES", "1024"),
        // A database on another machine without a verified TLS connection.
        ("DATABASE_URL", "postgresql://intake:pa55word@db.internal:5432/reintegration?sslmode=require"),
        ("DATABASE_URL", "postgresql://intake:pa55word@db.internal:5432/reintegration"),
        ("DATABASE_URL", "postgresql://intake:pa55word@127.0.0.1:5432,db.internal:5432/reintegration?sslmode=verify-ca"),
        ("DATABASE_URL", "postgresql://intake:pa55word@127.0.0.1:5432/reintegration?sslmode=maybe"),
        // A broker on another machine without TLS, or without a CA to check it against.
        ("AMQP_URL", "amqp://intake:pa55word@broker.internal:5672/reintegration"),
        ("AMQP_URL", "amqps://intake:pa55word@broker.internal:5671/reintegration"),
        ("AMQP_URL", "amqp://intake:pa55word@127.0.0.1:5672/x,amqp://intake:other@127.0.0.1:5673/x"),
        ("AMQP_URL", "amqps://intake:pa55word@127.0.0.1:5671/x?verify=none"),
    ])
    func badValues(variable: String, value: String) {
        let environment = Self.required.merging([variable: value]) { _, new in new }
        let error = #expect(throws: ConfigurationError.self) {
            try ServiceSettings(environment: EnvironmentReader(environment), defaultHTTPPort: 8081)
        }
        #expect(error?.variable == variable)
    }

    @Test("the summary hides credentials")
    func redactedSummary() throws {
        let settings = try ServiceSettings(environment: EnvironmentReader(Self.required), defaultHTTPPort: 8083)
        let summary = settings.description
        #expect(!summary.contains("pa55word"))
        #expect(!summary.contains("intake:"), "no user:password pair")
        #expect(summary.contains("amqps://intake@broker.internal:5671/reintegration"))
        #expect(summary.contains("postgresql://intake@db.internal:5432/reintegration"))
    }
}
