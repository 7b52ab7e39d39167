import Logging
import NIOPosix
import Retry
import Synchronization

/// A fixed-size pool of PostgreSQL connections, each used on its own `NIOThreadPool` thread.
///
/// libpq blocks, so closures given to the pool run on the pool's threads, never on Swift's
/// cooperative pool. A caller waits asynchronously while all connections are busy.
/// Connections are opened on first use and replaced when they go bad. Call `shutdown()`
/// before dropping the pool.
public final class PostgresPool: Sendable {
    /// The number of connections (and threads).
    public let size: Int
    private let configuration: PostgresConfiguration
    private let logger: Logger
    private let threadPool: NIOThreadPool
    private let state: Mutex<PostgresPoolState>

    /// Creates the pool and starts its threads; connections open lazily on first use.
    ///
    /// - Parameter size: connections and threads, at least 1.
    public init(configuration: PostgresConfiguration, size: Int = 4, logger: Logger) {
        precondition(size >= 1, "a PostgresPool needs at least one connection")
        self.size = size
        self.configuration = configuration
        self.logger = logger
        self.threadPool = NIOThreadPool(numberOfThreads: size)
        self.state = Mutex(PostgresPoolState(slots: (0..<size).map { _ in PooledConnectionSlot() }))
        threadPool.start()
    }

    deinit {
        // A pool dropped without `shutdown()` still stops its threads; a no-op otherwise.
        threadPool.shutdownGracefully { _ in }
    }

    /// Checks out a connection (waiting asynchronously when all are busy; connecting lazily
    /// and reconnecting a connection that went bad), runs `body` on a pool thread.
    ///
    /// A transaction `body` leaves open is rolled back before the connection is reused.
    /// - Throws: `body`'s error; `PostgresError` `.connection` when connecting fails,
    ///   `.poolClosed` after `shutdown()`; `CancellationError` if cancelled while waiting.
    @discardableResult
    public func withConnection<T: Sendable>(_ body: @Sendable (PostgresConnection) throws -> T) async throws -> T {
        let slot = try await checkOut()
        defer { checkIn(slot) }
        return try await withoutActuallyEscaping(body) { escapableBody in
            // The closure may only be referenced until this scope ends; the hand-over box is
            // emptied on the pool thread before it reports back, and here in case it never ran.
            let handOver = ClosureHandOver(escapableBody)
            defer { handOver.discard() }
            return try await threadPool.runIfActive { [configuration, logger] in
                let body = handOver.take()
                let connection = try slot.readyConnection(configuration: configuration, logger: logger)
                defer { slot.tidyAfterUse(logger: logger) }
                return try body(connection)
            }
        }
    }

    /// Runs `body` in a transaction on a pooled connection: COMMIT if it returns,
    /// ROLLBACK if it throws.
    @discardableResult
    public func withTransaction<T: Sendable>(_ body: @Sendable (PostgresConnection) throws -> T) async throws -> T {
        try await withConnection { connection in
            try connection.withTransaction(body)
        }
    }

    /// Retries the whole transaction (up to `attempts`) on serialization failure (40001),
    /// deadlock (40P01) and lost connections (08xxx); other errors pass through.
    ///
    /// `body` must be safe to run more than once. A connection lost during COMMIT leaves it
    /// unknown whether the commit happened; the retry then runs `body` again, so its
    /// effects must tolerate that (e.g. by deduplicating on a key).
    @discardableResult
    public func withRetryingTransaction<T: Sendable>(
        attempts: Int = 5,
        _ body: @Sendable (PostgresConnection) throws -> T
    ) async throws -> T {
        let attempts = max(attempts, 1)
        var attempt = 1
        while true {
            do {
                return try await withTransaction(body)
            } catch let error as PostgresError where error.isRetryable && attempt < attempts {
                logger.notice(
                    "Retrying a PostgreSQL transaction",
                    metadata: [
                        "postgres.error": "\(error)",
                        "postgres.attempt": "\(attempt)",
                    ]
                )
                try await Task.sleep(for: Self.retryDelay(afterAttempt: attempt))
                attempt += 1
            }
        }
    }

    /// Runs `SELECT 1`, for readiness checks; false on any failure.
    public func ping() async -> Bool {
        do {
            return try await withConnection { connection in
                try connection.query("SELECT 1").count == 1
            }
        } catch {
            logger.debug("PostgreSQL ping failed", metadata: ["postgres.error": "\(error)"])
            return false
        }
    }

    /// Closes connections and stops threads; idempotent.
    ///
    /// Waiting callers fail with `.poolClosed`; closures already running finish first.
    public func shutdown() async {
        let step: PostgresPoolState.ShutdownStep = await withCheckedContinuation { continuation in
            let (step, failedWaiters) = state.withLock { $0.beginShutdown(continuation) }
            for waiter in failedWaiters {
                waiter.continuation.resume(throwing: PostgresError.poolClosed)
            }
            if let step {
                continuation.resume(returning: step)
            }
        }
        guard step == .drive else { return }

        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let drained = state.withLock { $0.awaitDrain(continuation) }
            if drained {
                continuation.resume()
            }
        }
        let slots = state.withLock { $0.slots }
        do {
            try await threadPool.runIfActive {
                for slot in slots {
                    slot.close()
                }
            }
            try await threadPool.shutdownGracefully()
        } catch {
            logger.warning("Stopping the PostgreSQL pool's threads failed", metadata: ["error": "\(error)"])
        }
        let waiting = state.withLock { $0.finishShutdown() }
        for continuation in waiting {
            continuation.resume(returning: .alreadyDone)
        }
        logger.debug("PostgreSQL pool shut down")
    }

    // MARK: - Checkout

    private func checkOut() async throws -> PooledConnectionSlot {
        let waiterID = state.withLock { $0.makeWaiterID() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<PooledConnectionSlot, Error>) in
                let outcome = state.withLock { state in
                    state.checkOut(id: waiterID, continuation: continuation, isCancelled: Task.isCancelled)
                }
                switch outcome {
                case .slot(let slot): continuation.resume(returning: slot)
                case .failure(let error): continuation.resume(throwing: error)
                case .waiting: break
                }
            }
        } onCancel: {
            let waiter = state.withLock { $0.removeWaiter(id: waiterID) }
            waiter?.resume(throwing: CancellationError())
        }
    }

    private func checkIn(_ slot: PooledConnectionSlot) {
        let handOff = state.withLock { $0.checkIn(slot) }
        switch handOff {
        case .waiter(let continuation): continuation.resume(returning: slot)
        case .drained(let continuation): continuation.resume()
        case .none: break
        }
    }

    /// The cluster's backoff from 10 ms, doubling up to 500 ms.
    private static let retryBackoff = Backoff(initial: .milliseconds(10), maximum: .milliseconds(500))

    private static func retryDelay(afterAttempt attempt: Int) -> Duration {
        retryBackoff.delay(attempt: attempt - 1)
    }
}

/// Lets the pool pass a non-escaping closure to a pool thread inside `withoutActuallyEscaping`:
/// whoever runs it takes it out first, so no reference outlives the call.
///
/// `@unchecked Sendable`: the closure is `@Sendable`; the box is written once on the
/// pool thread (inside the work item) and once by the caller after the work item reported
/// back, which NIOThreadPool's continuation orders.
private final class ClosureHandOver<T>: @unchecked Sendable {
    private var closure: (@Sendable (PostgresConnection) throws -> T)?

    init(_ closure: @escaping @Sendable (PostgresConnection) throws -> T) {
        self.closure = closure
    }

    func take() -> @Sendable (PostgresConnection) throws -> T {
        guard let closure else {
            preconditionFailure("pool work item ran twice")
        }
        self.closure = nil
        return closure
    }

    func discard() {
        closure = nil
    }
}
