@testable import Notification
import ServiceKit
import Testing
import WorkingCalendar

/// The relay settings the service refuses at start, with the variable named.
@Suite("Notification settings")
struct NotificationSettingsTests {
    func settings(_ variables: [String: String]) throws(ConfigurationError) -> NotificationSettings {
        try NotificationSettings(environment: EnvironmentReader(variables))
    }

    @Test("a relay login in clear to another machine is refused; STARTTLS, SMTPS or a local relay are accepted")
    func relayPasswordNeverInClear() throws {
        let login = ["SMTP_USER": "alerts", "SMTP_PASSWORD": "relay-secret"]
        let refused = try #require(throws: ConfigurationError.self) {
            try settings(login.merging(["SMTP_URL": "smtp://relay.example.az:25"]) { $1 })
        }
        #expect(refused.variable == "SMTP_STARTTLS")
        #expect(!refused.description.contains("relay-secret"))
        #expect(try settings(login.merging(["SMTP_URL": "smtp://relay.example.az:587", "SMTP_STARTTLS": "true"]) { $1 }).smtp.requireStartTLS)
        #expect(try settings(login.merging(["SMTP_URL": "smtps://relay.example.az:465"]) { $1 }).smtp.username == "alerts")
        #expect(try settings(login.merging(["SMTP_URL": "smtp://127.0.0.1:2525"]) { $1 }).smtp.username == "alerts")
        #expect(try settings(["SMTP_URL": "smtp://relay.example.az:25"]).smtp.username == nil)
        let inURL = try #require(throws: ConfigurationError.self) {
            try settings(["SMTP_URL": "smtp://alerts:relay-secret@relay.example.az:587", "SMTP_STARTTLS": "true"])
        }
        #expect(inURL.variable == "SMTP_URL")
        #expect(!inURL.description.contains("relay-secret") && !inURL.debugDescription.contains("relay-secret"))
    }

    @Test("CA files for the relay and for webhooks are read")
    func authorities() throws {
        let read = try settings(["SMTP_CA_FILE": "/etc/relay-ca.pem", "WEBHOOK_CA_FILE": "/etc/hooks-ca.pem"])
        #expect(read.smtp.caFile == "/etc/relay-ca.pem")
        #expect(read.webhookCAFile == "/etc/hooks-ca.pem")
    }

    @Test("reminders are held through the configured holidays, not only the built-in ones")
    func holidaysFromTheCalendar() throws {
        let holiday = try #require(CivilDay("2026-06-03"))
        let read = try NotificationSettings(
            environment: EnvironmentReader(["NOTIFICATION_WORKING_HOURS": "09:00-18:00"]),
            calendar: WorkingCalendar(holidays: [holiday]))
        let hours = try #require(read.workingHours)
        #expect(!hours.calendar.isWorkingDay(holiday))
    }

    @Test("shared endpoints are probed after NOTIFICATION_PROBE_FIRST_DELAY, then up to every NOTIFICATION_PROBE_INTERVAL")
    func probeSettings() throws {
        let defaults = try settings([:]).circuit
        #expect(defaults.firstProbeDelay == .seconds(2) && defaults.probeInterval == .seconds(30))
        let read = try settings(["NOTIFICATION_PROBE_FIRST_DELAY": "500ms", "NOTIFICATION_PROBE_INTERVAL": "3s"]).circuit
        #expect(read.firstProbeDelay == .milliseconds(500) && read.probeInterval == .seconds(3))
        let refused = try #require(throws: ConfigurationError.self) { try settings(["NOTIFICATION_PROBE_INTERVAL": "2h"]) }
        #expect(refused.variable == "NOTIFICATION_PROBE_INTERVAL")
    }

    @Test("the relay's circuit is named by its address, so instances with other relays keep apart")
    func relayCircuitName() throws {
        #expect(CircuitName.relay(try settings(["SMTP_URL": "smtp://Relay.Example.az:587"]).smtp) == "smtp:relay.example.az:587")
        #expect(CircuitName.relay(try settings(["SMTP_URL": "smtps://relay.example.az"]).smtp) == "smtp:relay.example.az:465")
        #expect(CircuitName.relay(try settings([:]).smtp) == "smtp:127.0.0.1:2525")
    }
}
