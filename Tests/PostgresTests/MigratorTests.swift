import Postgres
import Testing
import TestSupport

@Suite("Migrations")
struct MigratorTests {
    static let migrations = [
        Migration(version: 1, name: "cases", sql: "CREATE TABLE cases (id uuid PRIMARY KEY, sms_reference text NOT NULL UNIQUE);"),
        Migration(
            version: 2,
            name: "people",
            sql: """
                CREATE TABLE people (personal_id text PRIMARY KEY, first_name text NOT NULL);
                ALTER TABLE cases ADD COLUMN personal_id text REFERENCES people;
                """
        ),
        Migration(version: 3, name: "case index", sql: "CREATE INDEX cases_person ON cases (personal_id);"),
    ]

    private static func withMigrationSchema(_ body: (String) async throws -> Void) async throws {
        // The migrator creates the schema itself; the test only picks a fresh name and drops it.
        let schema = TestEnvironment.uniqueName("pgt_mig")
        do {
            try await body(schema)
        } catch {
            await TestDatabase.dropSchema(schema)
            throw error
        }
        await TestDatabase.dropSchema(schema)
    }

    @Test func fiveConcurrentStartersApplyEachVersionOnce() async throws {
        try await Self.withMigrationSchema { schema in
            let pools = try (0..<5).map { _ in
                PostgresPool(configuration: try TestDatabase.configuration(), size: 1, logger: TestDatabase.logger)
            }
            let results = try await withThrowingTaskGroup(of: [Int].self) { group in
                for pool in pools {
                    group.addTask {
                        try await Migrator(schema: schema, migrations: Self.migrations, logger: TestDatabase.logger)
                            .migrate(pool)
                    }
                }
                var results: [[Int]] = []
                for try await applied in group {
                    results.append(applied)
                }
                return results
            }
            #expect(results.count == 5)
            #expect(results.filter { !$0.isEmpty } == [[1, 2, 3]])

            let pool = pools[0]
            let migrator = Migrator(schema: schema, migrations: Self.migrations, logger: TestDatabase.logger)
            #expect(await migrator.isUpToDate(pool))
            #expect(try await migrator.migrate(pool) == [])
            let recorded = try await pool.withConnection { connection in
                try connection.query("SELECT version, name FROM \(schema).schema_migrations ORDER BY version")
                    .map { "\(try $0["version"].decode(Int.self)):\(try $0["name"].decode(String.self))" }
            }
            #expect(recorded == ["1:cases", "2:people", "3:case index"])
            // The scripts ran with search_path set to the schema.
            let tables = try await pool.withConnection { connection in
                try connection.query(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name",
                    [.text(schema)]
                ).map { try $0["table_name"].decode(String.self) }
            }
            #expect(tables == ["cases", "people", "schema_migrations"])
            for pool in pools {
                await pool.shutdown()
            }
        }
    }

    @Test func appliesOnlyMissingVersionsAndReportsReadiness() async throws {
        try await Self.withMigrationSchema { schema in
            try await TestDatabase.withPool { pool in
                let older = Migrator(schema: schema, migrations: Array(Self.migrations.prefix(2)), logger: TestDatabase.logger)
                let newer = Migrator(schema: schema, migrations: Self.migrations, logger: TestDatabase.logger)
                #expect(await newer.isUpToDate(pool) == false)
                let firstRun = try await older.migrate(pool)
                #expect(firstRun == [1, 2])
                #expect(await older.isUpToDate(pool))
                #expect(await newer.isUpToDate(pool) == false)
                let secondRun = try await newer.migrate(pool)
                #expect(secondRun == [3])
                #expect(await newer.isUpToDate(pool))
            }
        }
    }

    @Test func refusesAnUnknownAppliedVersion() async throws {
        try await Self.withMigrationSchema { schema in
            try await TestDatabase.withPool { pool in
                _ = try await Migrator(schema: schema, migrations: Self.migrations, logger: TestDatabase.logger).migrate(pool)
                let older = Migrator(schema: schema, migrations: Array(Self.migrations.prefix(2)), logger: TestDatabase.logger)
                let error = await #expect(throws: MigrationError.self) { try await older.migrate(pool) }
                #expect(error == .unknownAppliedVersion(schema: schema, version: 3, name: "case index"))
                #expect(await older.isUpToDate(pool) == false)
            }
        }
    }

    @Test func refusesARenamedVersion() async throws {
        try await Self.withMigrationSchema { schema in
            try await TestDatabase.withPool { pool in
                _ = try await Migrator(schema: schema, migrations: Self.migrations, logger: TestDatabase.logger).migrate(pool)
                var renamed = Self.migrations
                renamed[1].name = "persons"
                let migrator = Migrator(schema: schema, migrations: renamed, logger: TestDatabase.logger)
                let error = await #expect(throws: MigrationError.self) { try await migrator.migrate(pool) }
                #expect(error == .nameMismatch(schema: schema, version: 2, expected: "persons", recorded: "people"))
            }
        }
    }

    @Test func aFailingScriptAppliesNothing() async throws {
        try await Self.withMigrationSchema { schema in
            try await TestDatabase.withPool { pool in
                let broken = Self.migrations + [Migration(version: 4, name: "broken", sql: "CREATE TABLE oops (id int); SELECT 1/0;")]
                let error = await #expect(throws: PostgresError.self) {
                    try await Migrator(schema: schema, migrations: broken, logger: TestDatabase.logger).migrate(pool)
                }
                #expect(error?.sqlState == "22012")
                let schemaExists = try await pool.withConnection { connection in
                    try connection.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [.text(schema)]).count
                }
                #expect(schemaExists == 0)
            }
        }
    }

    @Test func refusesInvalidSchemaNamesAndVersions() async throws {
        try await TestDatabase.withPool { pool in
            let badName = Migrator(schema: "Intake; DROP", migrations: Self.migrations, logger: TestDatabase.logger)
            await #expect(throws: MigrationError.invalidSchemaName) { try await badName.migrate(pool) }
            #expect(await badName.isUpToDate(pool) == false)
            let duplicate = Migrator(
                schema: "pgt_unused",
                migrations: Self.migrations + [Migration(version: 3, name: "again", sql: "")],
                logger: TestDatabase.logger
            )
            await #expect(throws: MigrationError.invalidVersion(schema: "pgt_unused", version: 3)) {
                try await duplicate.migrate(pool)
            }
        }
    }
}
