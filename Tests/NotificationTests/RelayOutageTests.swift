import Contract
import Foundation
import Logging
@testable import Notification
import NotificationDomain
import Postgres
import Testing
import TestSupport

/// The notification service as a real process, sending to a real SMTP sink that is
/// stopped while alerts fall due and started again: the relay is one failing endpoint,
/// not a failing person.
@Suite("Relay outage against the running service", .serialized)
struct RelayOutageTests {
    /// The longest wait between probes of the relay, as configured below.
    static let probeInterval: TimeInterval = 3

    @Test("alerts due while the relay is down go once it is back: none waits more than the probe interval, none twice")
    func relayStoppedAndStartedAgain() async throws {
        let smtp = try PythonTestServer(script: "smtp_sink.py")
        try await smtp.start()
        // Its own circuit: other suites' instances on this schema send to other relays.
        let relay = "smtp:127.0.0.1:\(smtp.port)"
        let service = try ServiceProcess(
            name: "notification", httpPort: try PythonTestServer.freePort(),
            extraEnvironment: [
                "SMTP_URL": "smtp://127.0.0.1:\(smtp.port)", "SMTP_FROM": "alerts@reintegration.test",
                "NOTIFICATION_POLL_INTERVAL": "200ms", "NOTIFICATION_PROBE_FIRST_DELAY": "500ms",
                "NOTIFICATION_PROBE_INTERVAL": "\(Int(Self.probeInterval))s",
                // Were relay failures retried per delivery or counted per person, alerts would wait minutes.
                "NOTIFICATION_RETRY_INITIAL_DELAY": "5m", "NOTIFICATION_CIRCUIT_THRESHOLD": "2", "NOTIFICATION_CIRCUIT_PAUSE": "10m",
                "LOG_LEVEL": "info",
            ])
        let database = PostgresPool(
            configuration: try PostgresConfiguration(url: TestEnvironment.databaseURL()), size: 2, logger: Logger(label: "test.db"))
        // An agency of this run only: no other alert reaches these people, nor theirs anyone else.
        let agency = "drill-\(ContractID.text(UUID()).prefix(8))"
        let people = (1...4).map { index in
            NotificationFixtures.focalPoint("fp\(index)@\(agency).example.az", agency: agency, language: index.isMultiple(of: 2) ? .en : .az)
        }
        do {
            try service.start()
            try await service.waitUntilReady()
            try await Self.add(people, to: database)

            smtp.stop()
            let requests = (1...3).map { step in NotificationFixtures.escalation(step: step, audiences: [.focalPoints], agency: agency) }
            let handler = NotificationRequestHandler(schema: "notification", workingHours: nil, logger: Logger(label: "test.handler"))
            for request in requests {
                let body = try ContractCoding.encode(request)
                _ = try await database.withTransaction { connection in try handler.record(body: body, on: connection) }
            }
            let keys = requests.map(\.deliveryKey)
            #expect(try await Self.waitUntil(timeout: .seconds(60)) { try await Self.isOpen(relay, database) })
            let readyWhileDown = await service.get(path: "/readyz")
            #expect(readyWhileDown.status == 200, "the service itself is fine")
            #expect(readyWhileDown.body.contains(#""openCircuits":["\#(relay)"]"#), "\(readyWhileDown.body)")
            // The gauge is sampled once per poll, so it may trail the table by one poll.
            #expect(try await Self.waitUntil(timeout: .seconds(10)) {
                await service.get(path: "/metrics").body.contains(#"notification_circuit_open{circuit="\#(relay)"} 1"#)
            })
            // Down long enough for the probes to back off to their interval.
            try await Task.sleep(for: .seconds(8))
            #expect(try await Self.count(database, "SELECT count(*) FROM notification.deliveries WHERE delivery_key = ANY($1::text[]) AND status = 'pending'", Self.array(keys)) == 12)
            #expect(try await Self.count(database, """
                SELECT count(*) FROM notification.endpoint_circuits c JOIN notification.recipients p ON p.id = c.recipient_id
                WHERE $1::text = ANY(p.agencies)
                """, .text(agency)) == 0, "nobody is paused for the relay's outage")

            try await smtp.start()
            let back = Date()
            #expect(try await Self.waitUntil(timeout: .seconds(90)) {
                try await Self.count(database, "SELECT count(*) FROM notification.deliveries WHERE delivery_key = ANY($1::text[]) AND status = 'sent'", Self.array(keys)) == 12
            })
            let latest = try await database.withConnection { connection in
                try connection.query(
                    "SELECT max(sent_at) AS latest FROM notification.deliveries WHERE delivery_key = ANY($1::text[])",
                    [Self.array(keys)])[0]["latest"].decode(Date.self)
            }
            // The probe interval, plus room for a loaded machine (a poll, the sends): far below a retry or a pause.
            #expect(latest.timeIntervalSince(back) < Self.probeInterval + 20, "last alert \(latest.timeIntervalSince(back)) s after the relay was back")

            let addresses = Set(people.map(\.email))
            let mails = try smtp.records().filter { (($0["rcptTo"] as? [String]) ?? []).contains(where: addresses.contains) }
            #expect(mails.count == 12, "each alert once")
            #expect(Set(mails.compactMap { $0["messageId"] as? String }).count == 12)
            #expect(try await Self.count(database, """
                SELECT count(*) FROM notification.delivery_attempts a JOIN notification.deliveries d ON d.id = a.delivery_id
                WHERE d.delivery_key = ANY($1::text[]) AND a.result = 'sent'
                """, Self.array(keys)) == 12)
            #expect(try await Self.waitUntil(timeout: .seconds(10)) {
                await service.get(path: "/readyz").body.contains(#""openCircuits":[]"#)
            })
            // Its log names referrals, cases and deliveries as the emails do: in lower case.
            let log = service.log()
            #expect(log.contains(ContractID.text(NotificationFixtures.referralId)))
            #expect(IdentifierSpellingTests.upperCaseIds(in: log).isEmpty)
        } catch {
            await Self.cleanUp(service: service, database: database, agency: agency)
            throw error
        }
        await Self.cleanUp(service: service, database: database, agency: agency)
    }

    static func add(_ people: [Recipient], to database: PostgresPool) async throws {
        try await database.withTransaction { connection in
            for person in people {
                try connection.execute("""
                    INSERT INTO notification.recipients (id, name, role, agencies, email, language)
                    VALUES ($1, $2, $3, $4::text[], $5, $6)
                    """, [
                        .uuid(person.id), .text(person.name), .text(person.role.rawValue), .text("{" + person.agencies.joined(separator: ",") + "}"),
                        .text(person.email), .text(person.language.rawValue),
                    ])
            }
        }
    }

    static func isOpen(_ circuit: String, _ database: PostgresPool) async throws -> Bool {
        try await count(database, "SELECT count(*) FROM notification.shared_circuits WHERE circuit = $1", .text(circuit)) == 1
    }

    static func count(_ database: PostgresPool, _ sql: String, _ parameter: PostgresValue) async throws -> Int {
        try await database.withConnection { connection in try connection.query(sql, [parameter])[0][0].decode(Int.self) }
    }

    /// A text array parameter (`$1::text[]`) of plain values.
    static func array(_ values: [String]) -> PostgresValue {
        .text("{" + values.joined(separator: ",") + "}")
    }

    static func waitUntil(timeout: Duration, _ condition: () async throws -> Bool) async throws -> Bool {
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    static func cleanUp(service: ServiceProcess, database: PostgresPool, agency: String) async {
        await service.stop()
        _ = try? await database.withTransaction { connection in
            let people = "SELECT id FROM notification.recipients WHERE $1::text = ANY(agencies)"
            try connection.execute(
                "DELETE FROM notification.delivery_attempts WHERE delivery_id IN (SELECT id FROM notification.deliveries WHERE recipient_id IN (\(people)))",
                [.text(agency)])
            try connection.execute("DELETE FROM notification.deliveries WHERE recipient_id IN (\(people))", [.text(agency)])
            try connection.execute("DELETE FROM notification.requests WHERE agency = $1", [.text(agency)])
            try connection.execute("DELETE FROM notification.endpoint_circuits WHERE recipient_id IN (\(people))", [.text(agency)])
            try connection.execute("DELETE FROM notification.recipients WHERE $1::text = ANY(agencies)", [.text(agency)])
        }
        await database.shutdown()
    }
}
