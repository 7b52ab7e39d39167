import Contract
import Curl
import Foundation
import Logging
import Messaging
@testable import Notification
import NotificationDomain
import Postgres
import TestSupport

/// The notification handler and delivery worker, in-process, on a unique schema of the
/// test database, sending to the test's own SMTP and webhook servers.
final class NotificationTestHarness: Sendable {
    let schema: String
    let pool: PostgresPool
    let handler: NotificationRequestHandler
    let worker: DeliveryWorker
    let sender: AlertSender
    /// The circuit of the test's relay, `smtp:127.0.0.1:<port>`.
    var relayCircuit: String { sender.relayCircuit }
    let logger = Logger(label: "notification-tests")

    init(
        smtpPort: Int, retry: RetryPolicy = RetryPolicy(initialDelay: .milliseconds(100), maximumDelay: .milliseconds(400)),
        circuit: CircuitBreakerPolicy = CircuitBreakerPolicy(
            failureThreshold: 20, pause: .seconds(60), firstProbeDelay: .milliseconds(200), probeInterval: .seconds(1)),
        lease: Duration = .seconds(300)
    ) async throws {
        schema = TestEnvironment.uniqueName("notify")
        let configuration = try PostgresConfiguration(url: try TestEnvironment.databaseURL())
        pool = PostgresPool(configuration: configuration, size: 3, logger: logger)
        let definition = NotificationService.makeDefinition(schema: schema)
        _ = try await Migrator(schema: schema, migrations: definition.migrations, logger: logger).migrate(pool)
        handler = NotificationRequestHandler(schema: schema, workingHours: nil, logger: logger)
        sender = AlertSender(
            smtp: SMTPConfiguration(url: "smtp://127.0.0.1:\(smtpPort)", from: "alerts@reintegration.test", connectTimeout: .seconds(2), timeout: .seconds(5)),
            poster: WebhookPoster(connectTimeout: .seconds(2), timeout: .seconds(5)), threads: 4)
        worker = DeliveryWorker(
            store: DeliveryStore(schema: schema), outbox: Outbox(schema: schema), pool: pool, templates: try AlertTemplates.builtIn(),
            sender: sender, settings: DeliveryWorker.Settings(retry: retry, circuit: circuit, batchSize: 8, lease: lease),
            logger: logger)
    }

    /// Runs `body`, then drops the schema and closes the pool, whether `body` threw or not.
    func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            await tearDown()
            throw error
        }
        await tearDown()
    }

    /// Drops the schema and closes the pool.
    private func tearDown() async {
        let schema = schema
        _ = try? await pool.withConnection { connection in
            try connection.execute("DROP SCHEMA IF EXISTS \(PostgresIdentifier.quoted(schema)) CASCADE")
        }
        await pool.shutdown()
    }

    func add(_ recipients: [Recipient]) async throws {
        let schema = schema
        try await pool.withTransaction { connection in
            for person in recipients {
                try connection.execute("""
                    INSERT INTO \(PostgresIdentifier.quoted(schema)).recipients
                        (id, name, role, agencies, email, webhook_url, webhook_secret, language, active)
                    VALUES ($1, $2, $3, $4::text[], $5, $6, $7, $8, $9)
                    """, [
                        .uuid(person.id), .text(person.name), .text(person.role.rawValue),
                        .text("{" + person.agencies.joined(separator: ",") + "}"), .text(person.email),
                        PostgresValue(person.webhookURL), PostgresValue(person.webhookSecret), .text(person.language.rawValue),
                        .bool(person.active),
                    ])
            }
        }
    }

    /// Hands `request` to the handler (or `otherHandler`) as the consumer would (in a transaction).
    @discardableResult
    func receive(_ request: NotificationRequest, by otherHandler: NotificationRequestHandler? = nil) async throws -> HandlingOutcome {
        let body = try ContractCoding.encode(request)
        let handler = otherHandler ?? handler
        return try await pool.withTransaction { connection in try handler.record(body: body, on: connection) }
    }

    /// Runs worker rounds until `condition` holds or `timeout` passes.
    func deliver(until condition: @Sendable () async throws -> Bool, timeout: Duration = .seconds(10)) async throws {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: timeout)
        while clock.now < end {
            try await worker.runOnce()
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Deliveries by status.
    func statuses() async throws -> [String: Int] {
        let schema = schema
        return try await pool.withConnection { connection in
            var counts: [String: Int] = [:]
            for row in try connection.query("SELECT status, count(*) AS n FROM \(PostgresIdentifier.quoted(schema)).deliveries GROUP BY status") {
                counts[try row["status"].decode()] = try row["n"].decode()
            }
            return counts
        }
    }

    /// Deliveries of one channel by status.
    func statuses(of channel: DeliveryChannel) async throws -> [String: Int] {
        let schema = schema
        return try await pool.withConnection { connection in
            var counts: [String: Int] = [:]
            for row in try connection.query(
                "SELECT status, count(*) AS n FROM \(PostgresIdentifier.quoted(schema)).deliveries WHERE channel = $1 GROUP BY status",
                [.text(channel.rawValue)])
            {
                counts[try row["status"].decode()] = try row["n"].decode()
            }
            return counts
        }
    }

    /// When each delivery of `key` is due.
    func dueTimes(key: String) async throws -> [Date] {
        let schema = schema
        return try await pool.withConnection { connection in
            try connection.query(
                "SELECT due_at FROM \(PostgresIdentifier.quoted(schema)).deliveries WHERE delivery_key = $1", [.text(key)]
            ).map { try $0["due_at"].decode(Date.self) }
        }
    }

    /// Shared circuits open now (`smtp:<host>:<port>`, `webhook:<host>`).
    func sharedCircuits() async throws -> [String] {
        let schema = schema
        return try await pool.withConnection { connection in
            try connection.query("SELECT circuit FROM \(PostgresIdentifier.quoted(schema)).shared_circuits ORDER BY circuit")
                .map { try $0["circuit"].decode(String.self) }
        }
    }

    /// Runs `sql` (with `$SCHEMA` for the quoted schema) on the test database: one
    /// statement with parameters, or a script of several without.
    func execute(_ sql: String, _ parameters: [PostgresValue] = []) async throws {
        let text = sql.replacingOccurrences(of: "$SCHEMA", with: PostgresIdentifier.quoted(schema))
        try await pool.withConnection { connection in
            if parameters.isEmpty { try connection.executeScript(text) } else { _ = try connection.execute(text, parameters) }
        }
    }

    /// Makes the database refuse to record a sent delivery, as if it failed right after the
    /// hand-over; `allowRecordingSent` undoes it and lets the leases run out.
    func refuseRecordingSent() async throws {
        try await execute("""
            CREATE FUNCTION $SCHEMA.refuse_sent() RETURNS trigger LANGUAGE plpgsql AS
                $$ BEGIN RAISE EXCEPTION 'recording refused by the test'; END $$;
            CREATE TRIGGER refuse_sent BEFORE UPDATE ON $SCHEMA.deliveries
                FOR EACH ROW WHEN (NEW.status = 'sent') EXECUTE FUNCTION $SCHEMA.refuse_sent();
            """)
    }

    /// Records sent deliveries again, and expires every lease (as time passing would).
    func allowRecordingSentAndExpireLeases() async throws {
        try await execute("DROP TRIGGER refuse_sent ON $SCHEMA.deliveries")
        try await execute("UPDATE $SCHEMA.deliveries SET leased_until = now() - interval '1 second'")
    }

    /// People's endpoints paused now.
    func openCircuits() async throws -> Int {
        let schema = schema
        return try await pool.withConnection { connection in
            try connection.query("SELECT count(*) AS n FROM \(PostgresIdentifier.quoted(schema)).endpoint_circuits WHERE open_until > now()")
                .first?["n"].decode() ?? 0
        }
    }

    /// Recorded attempts as (result, error).
    func attempts() async throws -> [(result: String, error: String?)] {
        let schema = schema
        return try await pool.withConnection { connection in
            try connection.query("SELECT result, error FROM \(PostgresIdentifier.quoted(schema)).delivery_attempts ORDER BY id").map {
                (try $0["result"].decode(String.self), try $0["error"].decodeIfPresent(String.self))
            }
        }
    }

    /// Bodies of messages waiting in the outbox, with their routing keys.
    func outbox() async throws -> [(routingKey: String, request: NotificationRequest)] {
        let schema = schema
        return try await pool.withConnection { connection in
            try connection.query("SELECT routing_key, body FROM \(PostgresIdentifier.quoted(schema)).outbox ORDER BY id").map {
                (try $0["routing_key"].decode(String.self), try ContractCoding.decode(NotificationRequest.self, from: try $0["body"].decode([UInt8].self)))
            }
        }
    }
}
