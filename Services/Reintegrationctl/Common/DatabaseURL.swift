import ArgumentParser
import Foundation
import Postgres
import ServiceKit

/// A command's database: `--database-url`, else the first environment variable set, refused
/// as wrong usage (exit 64) when missing or not a PostgreSQL URL.
enum DatabaseURL {
    static func configuration(given: String?, fallbacks variables: [String]) throws -> PostgresConfiguration {
        let environment = EnvironmentReader()
        // libpq reads a password from PGPASSWORD or a .pgpass file (PGPASSFILE) itself.
        let checked: String?
        do {
            checked = try CommandLineURL.checked(given, option: "--database-url")
        } catch {
            throw ValidationError(error.description)
        }
        guard let url = checked ?? variables.lazy.compactMap({ environment.string($0) }).first else {
            throw ValidationError("give --database-url (or set \(variables.joined(separator: " or ")))")
        }
        do {
            return try PostgresConfiguration(url: url)
        } catch {
            throw ValidationError("--database-url is not a PostgreSQL URL: \(error)")
        }
    }
}
