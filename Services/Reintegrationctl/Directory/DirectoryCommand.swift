import ArgumentParser
import Foundation
import Logging
import Postgres

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

        func withDirectory<T: Sendable>(_ body: @escaping @Sendable (Directory) throws -> T) async throws -> T {
            let configuration = try DatabaseURL.configuration(given: databaseURL, fallbacks: ["NOTIFICATION_DATABASE_URL", "DATABASE_URL"])
            guard PostgresIdentifier.isValidSchemaName(schema) else {
                throw ValidationError("--schema is not a valid schema name")
            }
            let pool = PostgresPool(configuration: configuration, size: 1, logger: Logger(label: "reintegrationctl"))
            let table = "\(PostgresIdentifier.quoted(schema)).recipients"
            do {
                let result = try await pool.withTransaction { connection in
                    try body(Directory(table: table, connection: connection))
                }
                await pool.shutdown()
                return result
            } catch {
                await pool.shutdown()
                switch Failure.from(error) {
                case let failure as Failure:
                    // ArgumentParser exits 1 for any other error: say why, exit with the documented code.
                    FileHandle.standardError.write(Data("error: \(failure.description)\n".utf8))
                    throw ExitCode(failure.code)
                case let other:
                    throw other
                }
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

        var secret: String? { webhookSecret ?? ProcessInfo.processInfo.environment["DIRECTORY_WEBHOOK_SECRET"] }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a person; prints the new id.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var entry: EntryOptions

        func run() async throws {
            guard let name = entry.name, let role = entry.role, let email = entry.email else {
                throw ValidationError("add needs --name, --role and --email")
            }
            var person = Person(
                id: UUID(), name: name, role: role, agencies: entry.agencies, email: email, language: entry.language ?? "az",
                webhookURL: entry.webhookURL, webhookSecret: entry.webhookURL == nil ? nil : entry.secret, active: true)
            person.agencies = person.agencies.map { $0.lowercased() }
            let added = person
            try await database.withDirectory { directory in
                try Failure.check(added)
                try directory.insert(added)
            }
            print(OperatorTime.identifier(added.id))
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
                entry.name, entry.role, entry.agencies.map { $0.lowercased() }, entry.email, entry.language, entry.webhookURL, entry.secret)
            let (clearAgencies, removeWebhook, activate) = (clearAgencies, removeWebhook, activate)
            let key = person
            try await database.withDirectory { directory in
                guard var person = try directory.find(key) else { throw Failure.notFound }
                if let name { person.name = name }
                if let role { person.role = role }
                if clearAgencies { person.agencies = [] }
                for agency in agencies where !person.agencies.contains(agency) { person.agencies.append(agency) }
                if let email { person.email = email }
                if let language { person.language = language }
                if removeWebhook {
                    person.webhookURL = nil
                    person.webhookSecret = nil
                }
                if let webhookURL { person.webhookURL = webhookURL }
                if let secret, person.webhookURL != nil { person.webhookSecret = secret }
                if activate { person.active = true }
                try Failure.check(person)
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
                guard var person = try directory.find(key) else { throw Failure.notFound }
                person.active = false
                try directory.update(person)
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
                    OperatorTime.identifier(person.id), person.role, person.agencies.joined(separator: ","), person.language,
                    person.webhookURL ?? "-", person.active ? "yes" : "no", person.email, person.name,
                ].joined(separator: "\t"))
            }
        }
    }

    /// One directory row.
    struct Person: Sendable {
        var id: UUID
        var name: String
        var role: String
        var agencies: [String]
        var email: String
        var language: String
        var webhookURL: String?
        var webhookSecret: String?
        var active: Bool
    }

    /// The `recipients` table, on a connection inside the command's transaction.
    struct Directory {
        let table: String
        let connection: PostgresConnection

        func insert(_ person: Person) throws {
            try connection.execute("""
                INSERT INTO \(table) (id, name, role, agencies, email, webhook_url, webhook_secret, language, active)
                VALUES ($1, $2, $3, $4::text[], $5, $6, $7, $8, $9)
                """, parameters(person))
        }

        func update(_ person: Person) throws {
            try connection.execute("""
                UPDATE \(table) SET name = $2, role = $3, agencies = $4::text[], email = $5, webhook_url = $6,
                    webhook_secret = $7, language = $8, active = $9, updated_at = now()
                WHERE id = $1
                """, parameters(person))
        }

        func find(_ key: String) throws -> Person? {
            let rows = try UUID(uuidString: key).map { id in
                try connection.query("\(select) WHERE id = $1", [.uuid(id)])
            } ?? connection.query("\(select) WHERE lower(email) = lower($1)", [.text(key)])
            return try rows.first.map(person)
        }

        func list(includingInactive: Bool) throws -> [Person] {
            try connection.query("\(select) \(includingInactive ? "" : "WHERE active") ORDER BY role, email").map(person)
        }

        private var select: String {
            "SELECT id, name, role, array_to_json(agencies)::text AS agencies, email, webhook_url, webhook_secret, language, active FROM \(table)"
        }

        private func parameters(_ person: Person) -> [PostgresValue] {
            [
                .uuid(person.id), .text(person.name), .text(person.role), .text("{" + person.agencies.joined(separator: ",") + "}"),
                .text(person.email), PostgresValue(person.webhookURL), PostgresValue(person.webhookSecret), .text(person.language),
                .bool(person.active),
            ]
        }

        private func person(_ row: PostgresRow) throws -> Person {
            Person(
                id: try row["id"].decode(), name: try row["name"].decode(), role: try row["role"].decode(),
                agencies: try JSONDecoder().decode([String].self, from: Data(try row["agencies"].decode(String.self).utf8)),
                email: try row["email"].decode(), language: try row["language"].decode(),
                webhookURL: try row["webhook_url"].decodeIfPresent(), webhookSecret: try row["webhook_secret"].decodeIfPresent(),
                active: try row["active"].decode())
        }
    }

    /// A refusal with its exit code. Messages name fields and rules, never values.
    struct Failure: Error, CustomStringConvertible {
        var description: String
        var code: Int32

        static let notFound = Failure(description: "no person with that id or email", code: 66)

        /// The notification service's rules for an entry (the same as `DirectoryValidation`
        /// in NotificationDomain, which this tool does not link).
        static func check(_ person: Person) throws {
            func refuse(_ text: String) -> Failure { Failure(description: text, code: 65) }
            guard !person.name.trimmingCharacters(in: .whitespaces).isEmpty, person.name.count <= 200 else { throw refuse("name must be 1–200 characters") }
            let roles = ["working-group-member", "focal-point", "chair", "secretariat", "operator"]
            guard roles.contains(person.role) else { throw refuse("role must be one of \(roles.joined(separator: ", "))") }
            guard ["az", "en"].contains(person.language) else { throw refuse("language must be az or en") }
            guard isEmail(person.email) else { throw refuse("email is not an email address (local@domain)") }
            let agencyCharacters = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz0123456789.-_")
            guard person.agencies.allSatisfy({ !$0.isEmpty && $0.unicodeScalars.allSatisfy(agencyCharacters.contains) }) else {
                throw refuse("agency must be agency codes (lowercase letters, digits, . - _)")
            }
            if ["focal-point", "working-group-member"].contains(person.role), person.agencies.isEmpty {
                throw refuse("agency is required (at least one) for \(person.role)")
            }
            if let url = person.webhookURL {
                guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
                    let host = components.host?.lowercased(), components.user == nil, components.password == nil,
                    scheme == "https" || (scheme == "http" && ["127.0.0.1", "localhost"].contains(host))
                else { throw refuse("webhook-url must use https (plain http only to 127.0.0.1 or localhost), without credentials") }
                guard let secret = person.webhookSecret, secret.utf8.count >= 16 else {
                    throw refuse("webhook-secret of at least 16 bytes is required with a webhook URL")
                }
            }
        }

        private static func isEmail(_ text: String) -> Bool {
            let parts = text.split(separator: "@", omittingEmptySubsequences: false)
            guard text.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[0].utf8.count <= 64, !parts[1].isEmpty else { return false }
            let forbidden = CharacterSet.whitespacesAndNewlines.union(.controlCharacters).union(CharacterSet(charactersIn: "<>()[],;:\\\""))
            guard text.unicodeScalars.allSatisfy({ !forbidden.contains($0) }) else { return false }
            let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
            guard labels.allSatisfy({ !$0.isEmpty && !$0.hasPrefix("-") && !$0.hasSuffix("-") }) else { return false }
            return labels.count >= 2 || parts[1] == "localhost"
        }

        /// Maps database errors to a clear message and exit code.
        static func from(_ error: any Error) -> any Error {
            if error is Failure || error is ValidationError { return error }
            guard let error = error as? PostgresError else { return error }
            switch error.sqlState {
            case "42P01", "3F000":
                return Failure(description: "the database has no notification directory yet: start the notification service once so its migrations run", code: 69)
            case "23505":
                return Failure(description: "a person with that email is already in the directory", code: 65)
            case "42501":
                return Failure(description: "the database role may not change the notification directory", code: 69)
            default:
                return error.kind == .connection
                    ? Failure(description: "the database cannot be reached: \(error)", code: 69)
                    : error
            }
        }
    }
}

