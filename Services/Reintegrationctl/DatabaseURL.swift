import ArgumentParser
import Foundation
import Postgres

/// A command's database: `--database-url`, else the first environment variable set, refused
/// as wrong usage (exit 64) when missing or not a PostgreSQL URL.
enum DatabaseURL {
    static func configuration(given: String?, fallbacks variables: [String]) throws -> PostgresConfiguration {
        let environment = ProcessInfo.processInfo.environment
        guard let url = given ?? variables.lazy.compactMap({ environment[$0] }).first else {
            throw ValidationError("give --database-url (or set \(variables.joined(separator: " or ")))")
        }
        do {
            return try PostgresConfiguration(url: url)
        } catch {
            throw ValidationError("--database-url is not a PostgreSQL URL: \(error)")
        }
    }
}
