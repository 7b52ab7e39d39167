import Postgres
import Testing

@Suite("Transactions and savepoints")
struct PostgresTransactionTests {
    private static func names(_ pool: PostgresPool, _ schema: String) async throws -> [String] {
        try await pool.withConnection { connection in
            try connection.query("SELECT name FROM \(schema).cases ORDER BY name").map { try $0["name"].decode(String.self) }
        }
    }

    private static func createTable(_ pool: PostgresPool, _ schema: String) async throws {
        try await pool.withConnection { connection in
            try connection.query("CREATE TABLE \(schema).cases (name text PRIMARY KEY)")
        }
    }

    @Test func commitsWhenTheBodyReturns() async throws {
        try await TestDatabase.withSchema { pool, schema in
            try await Self.createTable(pool, schema)
            let inserted = try await pool.withTransaction { connection in
                try connection.execute("INSERT INTO \(schema).cases VALUES ($1), ($2)", ["a", "b"])
            }
            #expect(inserted == 2)
            #expect(try await Self.names(pool, schema) == ["a", "b"])
        }
    }

    @Test func rollsBackWhenTheBodyThrows() async throws {
        try await TestDatabase.withSchema { pool, schema in
            try await Self.createTable(pool, schema)
            await #expect(throws: IntentionalFailure.self) {
                try await pool.withTransaction { connection in
                    try connection.execute("INSERT INTO \(schema).cases VALUES ($1)", ["lost"])
                    throw IntentionalFailure()
                }
            }
            #expect(try await Self.names(pool, schema) == [])
        }
    }

    @Test func aSwallowedServerErrorPreventsTheCommit() async throws {
        try await TestDatabase.withSchema { pool, schema in
            try await Self.createTable(pool, schema)
            let error = await #expect(throws: PostgresError.self) {
                try await pool.withTransaction { connection in
                    try connection.execute("INSERT INTO \(schema).cases VALUES ($1)", ["kept?"])
                    _ = try? connection.execute("INSERT INTO \(schema).cases VALUES ($1)", ["kept?"])
                }
            }
            #expect(error?.sqlState == "25P02")
            #expect(try await Self.names(pool, schema) == [])
        }
    }

    @Test func nestedTransactionsUseSavepoints() async throws {
        try await TestDatabase.withSchema { pool, schema in
            try await Self.createTable(pool, schema)
            let innerFailed = try await pool.withTransaction { connection -> Bool in
                try connection.execute("INSERT INTO \(schema).cases VALUES ($1)", ["outer"])
                var innerFailed = false
                do {
                    try connection.withTransaction { inner in
                        try inner.execute("INSERT INTO \(schema).cases VALUES ($1)", ["inner-undone"])
                        // A duplicate key aborts only the savepoint, not the outer transaction.
                        try inner.execute("INSERT INTO \(schema).cases VALUES ($1)", ["outer"])
                    }
                } catch let error as PostgresError where error.isUniqueViolation {
                    innerFailed = true
                }
                try connection.withTransaction { inner in
                    try inner.execute("INSERT INTO \(schema).cases VALUES ($1)", ["inner-kept"])
                    try inner.withTransaction { innermost in
                        try innermost.execute("INSERT INTO \(schema).cases VALUES ($1)", ["innermost"])
                    }
                }
                return innerFailed
            }
            #expect(innerFailed)
            #expect(try await Self.names(pool, schema) == ["inner-kept", "innermost", "outer"])
        }
    }

    @Test func aFailedInnerSavepointRollsBackWithTheOuterTransaction() async throws {
        try await TestDatabase.withSchema { pool, schema in
            try await Self.createTable(pool, schema)
            await #expect(throws: IntentionalFailure.self) {
                try await pool.withTransaction { connection in
                    try connection.withTransaction { inner in
                        try inner.execute("INSERT INTO \(schema).cases VALUES ($1)", ["inner"])
                    }
                    throw IntentionalFailure()
                }
            }
            #expect(try await Self.names(pool, schema) == [])
        }
    }

    @Test func aTransactionLeftOpenIsRolledBackBeforeReuse() async throws {
        try await TestDatabase.withSchema(poolSize: 1) { pool, schema in
            try await Self.createTable(pool, schema)
            try await pool.withConnection { connection in
                try connection.execute("BEGIN")
                try connection.execute("INSERT INTO \(schema).cases VALUES ($1)", ["dangling"])
            }
            // SAVEPOINT outside a transaction block fails with 25P01: the session is idle again.
            let error = await #expect(throws: PostgresError.self) {
                try await pool.withConnection { connection in
                    try connection.execute("SAVEPOINT probe")
                }
            }
            #expect(error?.sqlState == "25P01")
            #expect(try await Self.names(pool, schema) == [])
        }
    }
}
