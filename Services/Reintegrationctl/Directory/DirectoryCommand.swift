import ArgumentParser
import Foundation
import Logging
import NotificationDomain
import NotificationOperations
import Postgres
import ServiceKit

/// `reintegrationctl directory …`: the people the notification service alerts.
///
/// Exit codes: 0 done; 64 wrong usage; 65 an entry breaks a rule (the message names the
/// field, never the value); 66 no such person; 69 the database cannot be reached or has
/// no directory yet (the notification service creates it at its first start); 1 otherwise.
struct DirectoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "directory",
        abstract: "Manage the notification directory (who is alerted, how, in which language).",
        subcommands: [Add.self, Change.self, Deactivate.self, List.self]
    )

    /// Where the notification schema is.
    struct DatabaseOptions: ParsableArguments {
        @Option(help: "Database URL of the notification service's role (default: $NOTIFICATION_DATABASE_URL, then $DATABASE_URL).")
        var databaseURL: String?

        @Option(help: "The notification service's schema.")
        var schema = "notification"

        func withDirectory<T: Sendable>(_ body: @escaping @Sendable (RecipientDirectory) throws -> T) async throws -> T {
            let configuration = try DatabaseURL.configuration(given: databaseURL, fallbacks: ["NOTIFICATION_DATABASE_URL", "DATABASE_URL"])
            guard PostgresIdentifier.isValidSchemaName(schema) else {
                throw ValidationError("--schema is not a valid schema name")
            }
            let pool = PostgresPool(configuration: configuration, size: 1, logger: Logger(label: "reintegrationctl"))
            let schema = schema
            do {
                let result = try await pool.withTransaction { connection in
                    try body(try RecipientDirectory(schema: schema, connection: connection))
                }
                await pool.shutdown()
                return result
            } catch {
                await pool.shutdown()
                // ArgumentParser exits 1 for any other error: say why, exit with the documented code.
                throw CommandFailure.exit(for: DirectoryCommand.failure(for: error))
            }
        }
    }

    /// A person's fields as options; on `change`, only the given ones change.
    struct EntryOptions: ParsableArguments {
        @Option(help: "Display name (for operators; never put into alerts).")
        var name: String?
        @Option(help: "working-group-member, focal-point, chair, secretariat or operator.")
        var role: String?
        @Option(name: .customLong("agency"), help: "An agency code the person represents or is focal point for (repeatable).")
        var agencies: [String] = []
        @Option(help: "Email address.")
        var email: String?
        @Option(help: "Alert language: az or en.")
        var language: String?
        @Option(help: "Webhook URL: https, or http only to 127.0.0.1 / localhost.")
        var webhookURL: String?
        @Option(help: "Webhook HMAC secret, at least 16 bytes (default: $DIRECTORY_WEBHOOK_SECRET, keeping it out of shell history).")
        var webhookSecret: String?

        var secret: String? { webhookSecret ?? EnvironmentReader().string("DIRECTORY_WEBHOOK_SECRET") }

        static func role(_ text: String) throws -> RecipientRole {
            guard let role = RecipientRole(rawValue: text) else {
                throw CommandFailure(data: "role must be one of \(RecipientRole.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return role
        }

        static func language(_ text: String) throws -> AlertLanguage {
            guard let language = AlertLanguage(rawValue: text) else { throw CommandFailure(data: "language must be az or en") }
            return language
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a person; prints the new id.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var entry: EntryOptions

        func run() async throws {
            guard let name = entry.name, let role = entry.role, let email = entry.email else {
                throw ValidationError("add needs --name, --role and --email")
            }
            let (agencies, webhookURL, secret, language) = (
                entry.agencies.map { $0.lowercased() }, entry.webhookURL, entry.secret, entry.language ?? "az")
            let id = UUID()
            try await database.withDirectory { directory in
                try directory.add(Recipient(
                    id: id, name: name, role: try EntryOptions.role(role), agencies: agencies, email: email,
                    webhookURL: webhookURL, webhookSecret: webhookURL == nil ? nil : secret,
                    language: try EntryOptions.language(language)))
            }
            print(OperatorTime.identifier(id))
        }
    }

    struct Change: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a person's fields; unnamed fields stay.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var entry: EntryOptions
        @Argument(help: "The person's id or email.") var person: String
        @Flag(help: "Replace the agencies with none before adding the --agency ones.") var clearAgencies = false
        @Flag(help: "Remove the webhook.") var removeWebhook = false
        @Flag(help: "Make an inactive person active again.") var activate = false

        func run() async throws {
            let (name, role, agencies, email, language, webhookURL, secret) = (
                entry.name, entry.role, entry.agencies.map { $0.lowercased() }, entry.email, entry.language, entry.webhookURL,
                entry.secret)
            let (clearAgencies, removeWebhook, activate) = (clearAgencies, removeWebhook, activate)
            let key = person
            try await database.withDirectory { directory in
                guard var person = try directory.find(key) else { throw DirectoryCommand.notFound }
                if let name { person.name = name }
                if let role { person.role = try EntryOptions.role(role) }
                if clearAgencies { person.agencies = [] }
                for agency in agencies where !person.agencies.contains(agency) { person.agencies.append(agency) }
                if let email { person.email = email }
                if let language { person.language = try EntryOptions.language(language) }
                if removeWebhook {
                    person.webhookURL = nil
                    person.webhookSecret = nil
                }
                if let webhookURL { person.webhookURL = webhookURL }
                if let secret, person.webhookURL != nil { person.webhookSecret = secret }
                if activate { person.active = true }
                try directory.update(person)
            }
            print("changed")
        }
    }

    struct Deactivate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop alerting a person (pending alerts to them are cancelled).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The person's id or email.") var person: String

        func run() async throws {
            let key = person
            try await database.withDirectory { directory in
                guard let person = try directory.find(key) else { throw DirectoryCommand.notFound }
                try directory.deactivate(id: person.id)
            }
            print("deactivated")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List people (secrets are never shown).")
        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Include inactive people.") var all = false

        func run() async throws {
            let all = all
            let people = try await database.withDirectory { directory in try directory.list(includingInactive: all) }
            print(["id", "role", "agencies", "language", "webhook", "active", "email", "name"].joined(separator: "\t"))
            for person in people {
                print([
                    OperatorTime.identifier(person.id), person.role.rawValue, person.agencies.joined(separator: ","),
                    person.language.rawValue,
                    person.webhookURL ?? "-", person.active ? "yes" : "no", person.email, person.name,
                ].joined(separator: "\t"))
            }
        }
    }

    /// The person named is not in the directory.
    static let notFound = CommandFailure(notFound: "no person with that id or email")

    /// A directory or database error as a failure that says what to do. Messages name
    /// fields and rules, never values.
    static func failure(for error: any Error) -> any Error {
        if error is CommandFailure || error is ValidationError { return error }
        if let error = error as? DirectoryEntryError { return CommandFailure(data: error.description) }
        guard let error = error as? PostgresError else { return error }
        switch error.sqlState {
        case "42P01", "3F000":
            return CommandFailure(unavailable: "the database has no notification directory yet: start the notification service once so its migrations run")
        case "23505":
            return CommandFailure(data: "a person with that email is already in the directory")
        case "42501":
            return CommandFailure(unavailable: "the database role may not change the notification directory")
        default:
            return error.kind == .connection ? CommandFailure(unavailable: "the database cannot be reached: \(error)") : error
        }
    }
}

