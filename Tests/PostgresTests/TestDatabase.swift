import Foundation
import Logging
import Postgres
import Synchronization
import TestSupport

/// Shared set-up for the integration tests: the real server from the test environment,
/// a pool, and a throwaway schema that is dropped afterwards.
enum TestDatabase {
    static let logger = Logger(label: "postgres-tests") { _ in SwiftLogNoOpLogHandler() }

    /// The test server's configuration; fails (rather than skips) when it is not configured.
    static func configuration(applicationName: String = "postgres-tests") throws -> PostgresConfiguration {
        var configuration = try PostgresConfiguration(url: TestEnvironment.databaseURL())
        configuration.applicationName = applicationName
        return configuration
    }

    /// Runs `body` with a pool that is shut down afterwards.
    static func withPool<T>(
        size: Int = 1,
        applicationName: String = "postgres-tests",
        _ body: (PostgresPool) async throws -> T
    ) async throws -> T {
        let configuration = try configuration(applicationName: applicationName)
        let pool = PostgresPool(configuration: configuration, size: size, logger: logger)
        do {
            let result = try await body(pool)
            await pool.shutdown()
            return result
        } catch {
            await pool.shutdown()
            throw error
        }
    }

    /// Runs `body` with a pool and a freshly created schema; drops both afterwards.
    static func withSchema<T>(
        poolSize: Int = 2,
        _ body: (PostgresPool, String) async throws -> T
    ) async throws -> T {
        let pool = PostgresPool(configuration: try configuration(), size: poolSize, logger: logger)
        let schema = TestEnvironment.uniqueName("pgt")
        do {
            try await pool.withConnection { try $0.query("CREATE SCHEMA \(schema)") }
            let result = try await body(pool, schema)
            await dropSchema(schema, pool: pool)
            await pool.shutdown()
            return result
        } catch {
            await dropSchema(schema, pool: pool)
            await pool.shutdown()
            throw error
        }
    }

    /// Drops a test schema with everything in it, using a fresh pool if `pool` is closed.
    static func dropSchema(_ schema: String, pool: PostgresPool? = nil) async {
        let drop: @Sendable (PostgresConnection) throws -> Void = { connection in
            try connection.query("DROP SCHEMA IF EXISTS \(schema) CASCADE")
        }
        if let pool, (try? await pool.withConnection(drop)) != nil {
            return
        }
        guard let configuration = try? configuration() else { return }
        let cleanupPool = PostgresPool(configuration: configuration, size: 1, logger: logger)
        _ = try? await cleanupPool.withConnection(drop)
        await cleanupPool.shutdown()
    }

    /// Polls `condition` until it holds or `seconds` pass.
    static func eventually(
        within seconds: Double = 10,
        _ condition: @Sendable () async throws -> Bool
    ) async rethrows -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return try await condition()
    }
}

/// An error thrown by test bodies on purpose.
struct IntentionalFailure: Error {}

/// A thread-safe counter for closures that run on pool threads.
final class Counter: Sendable {
    private let value = Mutex(0)

    @discardableResult
    func increment() -> Int {
        value.withLock { value in
            value += 1
            return value
        }
    }

    var current: Int { value.withLock { $0 } }
}

/// Measures how many closures run at the same time.
final class ConcurrencyGauge: Sendable {
    private let state = Mutex((current: 0, highest: 0))

    func enter() {
        state.withLock { state in
            state.current += 1
            state.highest = max(state.highest, state.current)
        }
    }

    func leave() {
        state.withLock { $0.current -= 1 }
    }

    var highest: Int { state.withLock { $0.highest } }
}
