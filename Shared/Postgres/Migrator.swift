import Logging

/// Versioned migrations: each service owns a schema and applies its own at start.
public struct Migrator: Sendable {
    /// The schema the migrations belong to.
    public let schema: String
    /// The migrations this release knows, in ascending version order.
    public let migrations: [Migration]
    private let logger: Logger

    /// Prepares a migrator; names and versions are checked when `migrate` runs.
    public init(schema: String, migrations: [Migration], logger: Logger) {
        self.schema = schema
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.logger = logger
    }

    /// In one transaction: takes `pg_advisory_xact_lock(hashtext('migrations:' || schema))`
    /// so concurrent starters serialise, creates the schema if it does not exist (an existing
    /// one needs no CREATE right on the database), creates
    /// `<schema>.schema_migrations(version int primary key, name text, applied_at timestamptz)`,
    /// applies each missing version in order with `search_path` set to the schema, and
    /// records it.
    ///
    /// - Returns: the versions applied now (empty when already up to date).
    /// - Throws: `MigrationError` if the database has a version this binary does not know,
    ///   a known version's name differs, or the schema name or versions are invalid;
    ///   `PostgresError` when a script or the database fails (nothing is then applied).
    public func migrate(_ pool: PostgresPool) async throws -> [Int] {
        try validate()
        let schema = self.schema
        let migrations = self.migrations
        let logger = self.logger
        let quotedSchema = PostgresIdentifier.quoted(schema)
        let applied = try await pool.withTransaction { connection -> [Int] in
            try connection.query("SELECT pg_advisory_xact_lock(hashtext($1))", [.text("migrations:" + schema)])
            let exists = try connection.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [.text(schema)])
            if exists.isEmpty {
                try connection.query("CREATE SCHEMA IF NOT EXISTS \(quotedSchema)")
            }
            try connection.query(
                """
                CREATE TABLE IF NOT EXISTS \(quotedSchema).schema_migrations (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """
            )
            let recorded = try Self.recordedVersions(connection, quotedSchema: quotedSchema)
            try Self.checkHistory(recorded, against: migrations, schema: schema)

            var appliedNow: [Int] = []
            for migration in migrations where recorded[migration.version] == nil {
                try connection.query("SELECT set_config('search_path', $1, true)", [.text(quotedSchema)])
                try connection.executeScript(migration.sql)
                try connection.query(
                    "INSERT INTO \(quotedSchema).schema_migrations (version, name) VALUES ($1, $2)",
                    [.int(Int64(migration.version)), .text(migration.name)]
                )
                logger.info(
                    "Applied migration",
                    metadata: [
                        "postgres.schema": "\(schema)",
                        "migration.version": "\(migration.version)",
                        "migration.name": "\(migration.name)",
                    ]
                )
                appliedNow.append(migration.version)
            }
            return appliedNow
        }
        if applied.isEmpty {
            logger.debug("Schema is up to date", metadata: ["postgres.schema": "\(schema)"])
        }
        return applied
    }

    /// Whether every known migration is recorded and nothing unknown is, for readiness.
    public func isUpToDate(_ pool: PostgresPool) async -> Bool {
        guard (try? validate()) != nil else { return false }
        let schema = self.schema
        let migrations = self.migrations
        let quotedSchema = PostgresIdentifier.quoted(schema)
        do {
            return try await pool.withConnection { connection in
                let table = try connection.query(
                    "SELECT to_regclass($1) IS NOT NULL AS present",
                    [.text(quotedSchema + ".schema_migrations")]
                )
                guard let present = try table.first?["present"].decode(Bool.self), present else {
                    return false
                }
                let recorded = try Self.recordedVersions(connection, quotedSchema: quotedSchema)
                guard (try? Self.checkHistory(recorded, against: migrations, schema: schema)) != nil else {
                    return false
                }
                return recorded.count == migrations.count
            }
        } catch {
            logger.debug(
                "Could not read the migration history",
                metadata: ["postgres.schema": "\(schema)", "postgres.error": "\(error)"]
            )
            return false
        }
    }

    private func validate() throws {
        guard PostgresIdentifier.isValidSchemaName(schema) else {
            throw MigrationError.invalidSchemaName
        }
        var seen = Set<Int>()
        for migration in migrations {
            guard migration.version > 0, migration.version <= Int(Int32.max), seen.insert(migration.version).inserted else {
                throw MigrationError.invalidVersion(schema: schema, version: migration.version)
            }
        }
    }

    private static func recordedVersions(_ connection: PostgresConnection, quotedSchema: String) throws -> [Int: String] {
        let rows = try connection.query("SELECT version, name FROM \(quotedSchema).schema_migrations")
        var recorded: [Int: String] = [:]
        for row in rows {
            recorded[try row["version"].decode(Int.self)] = try row["name"].decode(String.self)
        }
        return recorded
    }

    private static func checkHistory(_ recorded: [Int: String], against migrations: [Migration], schema: String) throws {
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0.name) })
        for (version, name) in recorded.sorted(by: { $0.key < $1.key }) {
            guard let expected = known[version] else {
                throw MigrationError.unknownAppliedVersion(schema: schema, version: version, name: name)
            }
            guard expected == name else {
                throw MigrationError.nameMismatch(schema: schema, version: version, expected: expected, recorded: name)
            }
        }
    }
}
