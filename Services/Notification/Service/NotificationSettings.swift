import Curl
import Foundation
import NotificationDomain
import ServiceKit
import WorkingCalendar

/// The notification service's own configuration, from the environment.
struct NotificationSettings: Sendable {
    var smtp: SMTPConfiguration
    /// Certificate authorities for webhook receivers instead of the system's (`WEBHOOK_CA_FILE`).
    var webhookCAFile: String?
    var templatesDirectory: String
    /// When set, reminders (escalation steps 1 and 2) wait for working hours.
    var workingHours: WorkingHours?
    var retry: RetryPolicy
    var circuit: CircuitBreakerPolicy
    var pollInterval: Duration
    var batchSize: Int
    var lease: Duration

    /// The folder of editable templates when `NOTIFICATION_TEMPLATES_DIR` is unset.
    static let defaultTemplatesDirectory = "Services/Notification/Templates"

    /// `calendar` holds the holidays reminders wait through (`WORKING_CALENDAR_FILE`, as for
    /// the referral and escalation services).
    init(environment: EnvironmentReader, calendar: WorkingCalendar = WorkingCalendar()) throws(ConfigurationError) {
        let url = environment.string("SMTP_URL", default: "smtp://127.0.0.1:2525")
        guard url.hasPrefix("smtp://") || url.hasPrefix("smtps://") else {
            throw ConfigurationError(variable: "SMTP_URL", problem: .notAURL, value: url)
        }
        // Credentials in the URL would bypass the STARTTLS rule below and show in descriptions.
        guard URLComponents(string: url).map({ $0.user == nil && $0.password == nil }) ?? true else {
            throw ConfigurationError(
                variable: "SMTP_URL", problem: .unsafe("must not carry a user or password: set SMTP_USER and SMTP_PASSWORD"), value: "")
        }
        smtp = SMTPConfiguration(
            url: url, from: environment.string("SMTP_FROM", default: "reintegration@localhost"),
            requireStartTLS: try environment.bool("SMTP_STARTTLS", default: false),
            username: environment.string("SMTP_USER"), password: environment.string("SMTP_PASSWORD"),
            caFile: environment.string("SMTP_CA_FILE"),
            messagesPerSession: try environment.int("SMTP_MESSAGES_PER_SESSION", default: 100, range: 1...100_000))
        // A relay password must not cross the network in clear.
        if smtp.username != nil, url.hasPrefix("smtp://"), !smtp.requireStartTLS, !Self.isLoopback(url) {
            throw ConfigurationError(
                variable: "SMTP_STARTTLS",
                problem: .unsafe("must be true when SMTP_USER is set and the relay is not on this machine (or use smtps://)"),
                value: "false")
        }
        webhookCAFile = environment.string("WEBHOOK_CA_FILE")
        templatesDirectory = environment.string("NOTIFICATION_TEMPLATES_DIR", default: Self.defaultTemplatesDirectory)
        if let hours = environment.string("NOTIFICATION_WORKING_HOURS"), !["off", "false", ""].contains(hours.lowercased()) {
            guard let parsed = WorkingHours(hours, calendar: calendar) else {
                throw ConfigurationError(variable: "NOTIFICATION_WORKING_HOURS", problem: .notOneOf(["HH:MM-HH:MM", "off"]), value: hours)
            }
            workingHours = parsed
        }
        retry = RetryPolicy(
            maximumAttempts: try environment.int("NOTIFICATION_MAX_ATTEMPTS", default: 8, range: 1...100),
            maximumAge: try environment.duration("NOTIFICATION_RETRY_MAX_AGE", default: .seconds(24 * 3600)),
            initialDelay: try environment.duration("NOTIFICATION_RETRY_INITIAL_DELAY", default: .seconds(30)),
            maximumDelay: try environment.duration("NOTIFICATION_RETRY_MAX_DELAY", default: .seconds(3600)))
        circuit = CircuitBreakerPolicy(
            failureThreshold: try environment.int("NOTIFICATION_CIRCUIT_THRESHOLD", default: 5, range: 1...1000),
            pause: try environment.duration("NOTIFICATION_CIRCUIT_PAUSE", default: .seconds(600)),
            firstProbeDelay: try environment.duration(
                "NOTIFICATION_PROBE_FIRST_DELAY", default: .seconds(2), range: .milliseconds(100) ... .seconds(3600)),
            probeInterval: try environment.duration(
                "NOTIFICATION_PROBE_INTERVAL", default: .seconds(30), range: .milliseconds(100) ... .seconds(3600)))
        pollInterval = try environment.duration("NOTIFICATION_POLL_INTERVAL", default: .seconds(1), range: .milliseconds(10) ... .seconds(60))
        batchSize = try environment.int("NOTIFICATION_BATCH_SIZE", default: 64, range: 1...200)
        lease = try environment.duration("NOTIFICATION_LEASE", default: .seconds(300), range: .seconds(60) ... .seconds(3600))
    }

    /// Whether an `smtp://` URL names this machine (127.x, ::1 or localhost).
    static func isLoopback(_ url: String) -> Bool {
        guard let host = URLComponents(string: url)?.host?.lowercased() else { return false }
        return host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }
}
