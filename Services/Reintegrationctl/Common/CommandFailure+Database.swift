import ArgumentParser
import Postgres

extension CommandFailure {
    /// A database error as a failure that says what to do; nil for errors the operator
    /// cannot act on (they pass through as they are). The server's message is never
    /// quoted: it may carry query parameters.
    static func database(_ error: any Error) -> CommandFailure? {
        guard let error = error as? PostgresError else { return nil }
        switch error.sqlState {
        case "42P01", "3F000":
            return CommandFailure(unavailable: "the database lacks a service's tables: start the cluster once so every service runs its migrations")
        case "42501":
            return CommandFailure(
                unavailable: "the database role may not read every service's schema: use the admin URL (ADMIN_DATABASE_URL in .local/credentials.env)")
        case "28P01", "28000":
            return CommandFailure(unavailable: "the database refused the login: check the user and password in --database-url")
        default:
            return error.kind == .connection || error.kind == .configuration
                ? CommandFailure(unavailable: "the database cannot be reached: \(error)")
                : nil
        }
    }
}
