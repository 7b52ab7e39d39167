/// One versioned schema change, applied once and recorded in `<schema>.schema_migrations`.
public struct Migration: Sendable, Hashable {
    /// Positive and unique within a service; applied in ascending order.
    public var version: Int
    /// A short name, recorded with the version and checked on every start.
    public var name: String
    /// The script, run with `search_path` set to the service's schema. It runs inside the
    /// migrator's transaction, so it must not contain BEGIN/COMMIT or statements that cannot
    /// run in a transaction (such as CREATE INDEX CONCURRENTLY).
    public var sql: String

    /// Creates a migration.
    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}
