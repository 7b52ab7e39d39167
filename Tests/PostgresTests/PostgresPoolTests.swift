import Foundation
import Postgres
import Synchronization
import Testing
import TestSupport

@Suite("Connection pool")
struct PostgresPoolTests {
    @Test func moreConcurrentTasksThanConnections() async throws {
        let gauge = ConcurrencyGauge()
        let (pids, highest) = try await TestDatabase.withPool(size: 3) { pool in
            let pids = try await withThrowingTaskGroup(of: Int32.self) { group in
                for _ in 0..<24 {
                    group.addTask {
                        try await pool.withConnection { connection in
                            gauge.enter()
                            defer { gauge.leave() }
                            return try connection.query("SELECT pg_backend_pid() AS pid, pg_sleep(0.05)")[0]["pid"]
                                .decode(Int32.self)
                        }
                    }
                }
                var pids: [Int32] = []
                for try await pid in group {
                    pids.append(pid)
                }
                return pids
            }
            return (pids, gauge.highest)
        }
        #expect(pids.count == 24)
        #expect(Set(pids).count <= 3)
        #expect(highest <= 3)
        #expect(highest >= 2)
    }

    @Test func aWaitingCheckoutCanBeCancelled() async throws {
        try await TestDatabase.withPool(size: 1) { pool in
            let holderFinished = CompletionFlag()
            let holder = Task {
                _ = try await pool.withConnection { try $0.query("SELECT pg_sleep(5)") }
                holderFinished.set()
            }
            try await Task.sleep(for: .milliseconds(100))
            let waiter = Task {
                try await pool.withConnection { try $0.query("SELECT 1").count }
            }
            try await Task.sleep(for: .milliseconds(50))
            waiter.cancel()
            await #expect(throws: CancellationError.self) { try await waiter.value }
            // The only connection was still held: the waiter gave up without waiting for it.
            #expect(!holderFinished.isSet)
            _ = try await holder.value
            #expect(try await pool.withConnection { try $0.query("SELECT 1").count } == 1)
        }
    }

    @Test func reconnectsAfterTheServerTerminatesAPooledConnection() async throws {
        try await TestDatabase.withPool(size: 1) { pool in
            let firstPID = try await pool.withConnection { connection in
                try connection.query("SELECT pg_backend_pid() AS pid")[0]["pid"].decode(Int32.self)
            }
            try await TestDatabase.withPool { admin in
                let terminated = try await admin.withConnection { connection in
                    try connection.query("SELECT pg_terminate_backend($1, 5000) AS done", [.int(Int64(firstPID))])[0]["done"]
                        .decode(Bool.self)
                }
                #expect(terminated)
            }
            // The dead session is noticed at checkout and replaced without a failed call.
            let secondPID = try await pool.withConnection { connection in
                try connection.query("SELECT pg_backend_pid() AS pid")[0]["pid"].decode(Int32.self)
            }
            #expect(secondPID != firstPID)
            #expect(await pool.ping())
        }
    }

    @Test("a server that turned read-only (25006, as a demoted primary in a failover) is left for a new connection")
    func readOnlyServerIsReplaced() async throws {
        try await TestDatabase.withSchema(poolSize: 1) { pool, schema in
            try await pool.withConnection { connection in
                try connection.execute("CREATE TABLE \(schema).notes (id int)")
            }
            // The session now refuses writes as a standby would.
            let firstPid = try await pool.withConnection { connection in
                try connection.execute("SET default_transaction_read_only = on")
                return try connection.query("SELECT pg_backend_pid()")[0][0].decode(Int32.self)
            }
            let error = await #expect(throws: PostgresError.self) {
                try await pool.withTransaction { connection in try connection.execute("INSERT INTO \(schema).notes VALUES (1)") }
            }
            #expect(error?.sqlState == "25006")
            #expect(error?.isConnectionLoss == true, "a read-only server is not the message's fault")
            // The retrying transaction gets a new session, which writes.
            let pid = try await pool.withRetryingTransaction { connection in
                try connection.execute("INSERT INTO \(schema).notes VALUES (2)")
                return try connection.query("SELECT pg_backend_pid()")[0][0].decode(Int32.self)
            }
            #expect(pid != firstPid)
        }
    }

    @Test func retryingTransactionSurvivesALostConnection() async throws {
        try await TestDatabase.withSchema(poolSize: 1) { pool, schema in
            try await pool.withConnection { try $0.query("CREATE TABLE \(schema).events (id int)") }
            let attempts = Counter()
            let result = try await pool.withRetryingTransaction { connection in
                let attempt = attempts.increment()
                try connection.execute("INSERT INTO \(schema).events VALUES ($1)", [.int(Int64(attempt))])
                if attempt == 1 {
                    try connection.query("SELECT pg_terminate_backend(pg_backend_pid())")
                }
                return attempt
            }
            #expect(result == 2)
            #expect(attempts.current == 2)
            let stored = try await pool.withConnection { connection in
                try connection.query("SELECT id FROM \(schema).events").map { try $0["id"].decode(Int.self) }
            }
            #expect(stored == [2])
        }
    }

    @Test func retryingTransactionRetriesSerializationFailuresAndDeadlocks() async throws {
        try await TestDatabase.withPool { pool in
            let attempts = Counter()
            let result = try await pool.withRetryingTransaction(attempts: 4) { connection in
                let attempt = attempts.increment()
                if attempt == 1 {
                    try connection.query("DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '40001'; END $$")
                }
                if attempt == 2 {
                    try connection.query("DO $$ BEGIN RAISE EXCEPTION 'deadlock' USING ERRCODE = '40P01'; END $$")
                }
                return "done on attempt \(attempt)"
            }
            #expect(result == "done on attempt 3")

            let exhausted = Counter()
            let error = await #expect(throws: PostgresError.self) {
                try await pool.withRetryingTransaction(attempts: 2) { connection in
                    exhausted.increment()
                    try connection.query("DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '40001'; END $$")
                }
            }
            #expect(error?.isSerializationFailure == true)
            #expect(exhausted.current == 2)
        }
    }

    @Test func otherErrorsAreNotRetried() async throws {
        try await TestDatabase.withPool { pool in
            let attempts = Counter()
            let error = await #expect(throws: PostgresError.self) {
                try await pool.withRetryingTransaction { connection in
                    attempts.increment()
                    try connection.query("SELECT 1/0")
                }
            }
            #expect(error?.sqlState == "22012")
            #expect(attempts.current == 1)

            await #expect(throws: IntentionalFailure.self) {
                try await pool.withRetryingTransaction { _ in
                    attempts.increment()
                    throw IntentionalFailure()
                }
            }
            #expect(attempts.current == 2)
        }
    }

    @Test func shutdownIsIdempotentAndRefusesLaterWork() async throws {
        let pool = PostgresPool(configuration: try TestDatabase.configuration(), size: 2, logger: TestDatabase.logger)
        #expect(await pool.ping())
        async let first: Void = pool.shutdown()
        async let second: Void = pool.shutdown()
        _ = await (first, second)
        await pool.shutdown()
        let error = await #expect(throws: PostgresError.self) {
            try await pool.withConnection { try $0.query("SELECT 1") }
        }
        #expect(error?.kind == .poolClosed)
        #expect(await pool.ping() == false)
    }

    @Test func shutdownWaitsForRunningWorkAndFailsWaiters() async throws {
        let pool = PostgresPool(configuration: try TestDatabase.configuration(), size: 1, logger: TestDatabase.logger)
        let running = Task {
            try await pool.withConnection { connection in
                try connection.query("SELECT pg_sleep(0.3)").count
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        let waiting = Task {
            try await pool.withConnection { try $0.query("SELECT 1").count }
        }
        try await Task.sleep(for: .milliseconds(50))
        await pool.shutdown()
        #expect(try await running.value == 1)
        let error = await #expect(throws: PostgresError.self) { try await waiting.value }
        #expect(error?.kind == .poolClosed)
    }

    @Test func poolConnectionsUseUTCAndISODates() async throws {
        let settings = try await TestDatabase.withPool { pool in
            try await pool.withConnection { connection in
                try connection.query(
                    "SELECT current_setting('TimeZone') AS zone, current_setting('DateStyle') AS style, current_setting('bytea_output') AS bytea"
                )
            }
        }
        let row = try #require(settings.first)
        #expect(row["zone"].string == "UTC")
        #expect(row["style"].string?.hasPrefix("ISO") == true)
        #expect(row["bytea"].string == "hex")
    }
}

/// Whether something has happened, readable from any task.
final class CompletionFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .acquiring) }
    func set() { flag.store(true, ordering: .releasing) }
}
