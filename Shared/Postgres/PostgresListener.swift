import Foundation
import Logging
import Retry
import Synchronization

/// LISTEN/NOTIFY on its own dedicated connection and thread.
///
/// Channel names are used verbatim (quoted), so they match `pg_notify('channel', …)`
/// and `NOTIFY "channel"` exactly, case included.
public final class PostgresListener: Sendable {
    private let configuration: PostgresConfiguration
    private let channels: [String]
    private let logger: Logger
    private let stopRequested = Atomic<Bool>(false)
    private let started = Atomic<Bool>(false)

    /// How long one wait on the socket lasts, which bounds how long `stop()` takes to be noticed.
    static let pollIntervalMilliseconds: Int32 = 200
    /// An idle session is probed this often so a silently dropped connection is noticed.
    static let probeIntervalSeconds: Double = 30
    static let reconnectBackoff = Backoff(initial: .milliseconds(100), maximum: .seconds(5))

    /// Prepares a listener; nothing connects until `events()` is called.
    public init(configuration: PostgresConfiguration, channels: [String], logger: Logger) {
        self.configuration = configuration
        self.channels = channels
        self.logger = logger
    }

    /// Starts listening and returns the events: `.notification(channel, payload)` and
    /// `.reconnected` (after the first connect and after every reconnect the listener
    /// re-LISTENs and yields `.reconnected`, so callers re-scan for what they may have missed).
    ///
    /// Waits with PQsocket + poll() with a timeout (so `stop()` is noticed promptly);
    /// reconnects with backoff (from 0.1 s doubling to 5 s, with jitter) when the connection drops.
    /// Single consumer: a second call returns an already finished stream. The stream
    /// finishes after `stop()`; ending the iteration stops the listener too.
    public func events() -> AsyncStream<PostgresListenerEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: PostgresListenerEvent.self)
        guard started.compareExchange(expected: false, desired: true, ordering: .sequentiallyConsistent).exchanged else {
            logger.error("PostgresListener.events() called more than once; only one consumer is supported")
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            self?.stop()
        }
        let thread = Thread { [self] in
            run(continuation)
        }
        thread.name = "pg-listener"
        thread.start()
        return stream
    }

    /// Asks the listener to stop; its thread closes the connection and finishes the
    /// stream within about one poll interval. Idempotent.
    public func stop() {
        stopRequested.store(true, ordering: .sequentiallyConsistent)
    }

    private var isStopping: Bool {
        stopRequested.load(ordering: .sequentiallyConsistent)
    }

    // MARK: - The listener thread

    private func run(_ continuation: AsyncStream<PostgresListenerEvent>.Continuation) {
        var failures = 0
        while !isStopping {
            do {
                let connection = try connectAndListen()
                failures = 0
                logger.debug("PostgreSQL listener connected", metadata: ["postgres.channels": "\(channels)"])
                continuation.yield(.reconnected)
                try receive(on: connection, into: continuation)
                connection.close()
            } catch {
                guard !isStopping else { break }
                let delay = Self.reconnectBackoff.delay(attempt: failures)
                failures += 1
                logger.warning(
                    "PostgreSQL listener lost its connection; reconnecting",
                    metadata: ["postgres.error": "\(error)", "postgres.retryIn": "\(delay)"]
                )
                sleepUnlessStopped(for: delay)
            }
        }
        continuation.finish()
        logger.debug("PostgreSQL listener stopped")
    }

    private func connectAndListen() throws -> PostgresConnection {
        let connection = try PostgresConnection(configuration: configuration, logger: logger)
        for channel in channels {
            try connection.query("LISTEN " + PostgresIdentifier.quoted(channel))
        }
        return connection
    }

    /// Delivers notifications until `stop()` (returns) or the connection fails (throws).
    private func receive(
        on connection: PostgresConnection,
        into continuation: AsyncStream<PostgresListenerEvent>.Continuation
    ) throws {
        var lastActivity = Date()
        while !isStopping {
            let notifications = try connection.waitForNotifications(timeoutMilliseconds: Self.pollIntervalMilliseconds)
            if notifications.isEmpty {
                if Date().timeIntervalSince(lastActivity) >= Self.probeIntervalSeconds {
                    try connection.query("SELECT 1")
                    lastActivity = Date()
                }
                continue
            }
            lastActivity = Date()
            for notification in notifications {
                continuation.yield(.notification(channel: notification.channel, payload: notification.payload))
            }
        }
    }

    private func sleepUnlessStopped(for delay: Duration) {
        let deadline = ContinuousClock.now + delay
        while !isStopping, ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
    }
}
