import Logging
import Postgres
import ServiceLifecycle

/// Runs polling loops that wake early: when a PostgreSQL channel they LISTEN on is
/// notified (and after every listener reconnect, so they re-scan what they may have
/// missed), when this process signals them itself (`signals`), or when their own pause
/// ends. Notifications only shorten the wait: a loop never relies on them. On graceful
/// shutdown every loop is woken so it sees the shutdown at once.
public struct NotifiedPoller: Sendable {
    /// One per loop: a `WakeSignal` wakes a single waiter.
    public let signals: [WakeSignal]
    private let channel: String
    private let listenerConfiguration: PostgresConfiguration
    private let logger: Logger

    public init(channel: String, listenerConfiguration: PostgresConfiguration, signals: [WakeSignal], logger: Logger) {
        self.channel = channel
        self.listenerConfiguration = listenerConfiguration
        self.signals = signals
        self.logger = logger
    }

    /// Listens while `loops` runs and returns when it has (its loops end at graceful
    /// shutdown or cancellation); the listener is stopped by then.
    public func run(_ loops: () async -> Void) async {
        let listener = PostgresListener(configuration: listenerConfiguration, channels: [channel], logger: logger)
        let events = listener.events()
        let signals = signals
        let listening = Task {
            for await _ in events { for signal in signals { signal.signal() } }
        }
        await withGracefulShutdownHandler {
            await loops()
        } onGracefulShutdown: {
            for signal in signals { signal.signal() }
        }
        listener.stop()
        listening.cancel()
    }

    /// One loop: runs `round` until graceful shutdown or cancellation, after each waiting
    /// the pause it returns (none when zero) unless `wake` is signalled first.
    public static func poll(wake: WakeSignal, _ round: () async -> Duration) async {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let pause = await round()
            if pause > .zero { await wake.wait(timeout: pause) }
        }
    }
}
