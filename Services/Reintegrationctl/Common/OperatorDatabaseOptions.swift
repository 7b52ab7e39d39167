import ArgumentParser
import Logging
import Postgres

/// Where the cluster's database is, for commands that read every service's schema.
struct OperatorDatabaseOptions: ParsableArguments {
    @Option(help: "Database URL of a role that can read all services' schemas (default: $ADMIN_DATABASE_URL, then $DATABASE_URL).")
    var databaseURL: String?

    /// Runs `body` in one read-only transaction, so every part of the answer is from the
    /// same snapshot and nothing can be changed by mistake.
    func read<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        let configuration = try DatabaseURL.configuration(given: databaseURL, fallbacks: ["ADMIN_DATABASE_URL", "DATABASE_URL"])
        let pool = PostgresPool(configuration: configuration, size: 1, logger: Logger(label: "reintegrationctl"))
        do {
            let result = try await Self.readSnapshot(on: pool, body)
            await pool.shutdown()
            return result
        } catch {
            await pool.shutdown()
            throw CommandFailure.exit(for: error)
        }
    }

    /// Runs `body` in one read-only, repeatable-read transaction of `pool`.
    static func readSnapshot<T: Sendable>(on pool: PostgresPool, _ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        try await pool.withTransaction { connection in
            try connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return try body(connection)
        }
    }
}
