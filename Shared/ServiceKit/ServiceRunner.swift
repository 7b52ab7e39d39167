import Logging
import ServiceLifecycle
import UnixSignals

/// Runs a service process's long-lived parts until it is told to stop.
///
/// Services start in the order given and stop in reverse order. The first shutdown
/// signal (SIGTERM or SIGINT by default) starts a graceful shutdown; a second one, or
/// the grace period running out, cancels whatever is still running.
public final class ServiceRunner: Sendable {
    private let group: ServiceGroup
    private let serviceNames: [String]
    private let logger: Logger
    private let shutdownSignals: [UnixSignal]

    /// Creates a runner.
    ///
    /// - Parameters:
    ///   - services: the services, in start order.
    ///   - logger: logger for start and stop messages.
    ///   - gracePeriod: time allowed for graceful shutdown before cancellation.
    ///   - shutdownSignals: signals that ask for shutdown.
    public init(
        services: [any Service],
        logger: Logger,
        gracePeriod: Duration,
        shutdownSignals: [UnixSignal] = [.sigterm, .sigint]
    ) {
        // Signals are handled here rather than by ServiceGroup, which reacts only to
        // the first one; a repeated signal must escalate to cancellation.
        var configuration = ServiceGroupConfiguration(services: services, logger: logger)
        configuration.maximumGracefulShutdownDuration = gracePeriod
        self.group = ServiceGroup(configuration: configuration)
        self.serviceNames = services.map { String(describing: type(of: $0)) }
        self.logger = logger
        self.shutdownSignals = shutdownSignals
    }

    /// Runs until every service has stopped.
    ///
    /// - Throws: the first error a service threw, or a ServiceLifecycle error when a
    ///   service stopped on its own.
    public func run() async throws {
        // Trap the signals before anything starts, so an early signal is not lost.
        let signals = await UnixSignalsSequence(trapping: shutdownSignals)
        logger.info("starting", metadata: ["services": .array(serviceNames.map { .string($0) })])
        do {
            try await withThrowingTaskGroup(of: Ending.self) { tasks in
                tasks.addTask {
                    try await self.group.run()
                    return .servicesStopped
                }
                tasks.addTask {
                    await self.watch(signals)
                }
                while let ending = try await tasks.next() {
                    switch ending {
                    case .servicesStopped, .cancellationRequested:
                        // Either way nothing more is wanted from the other task.
                        tasks.cancelAll()
                    case .signalsEnded:
                        // No signals to wait for (none configured): keep running.
                        continue
                    }
                }
            }
        } catch {
            logger.error("stopped with an error", metadata: ["error": .string(String(describing: error))])
            throw error
        }
        logger.info("stopped")
    }

    /// Starts a graceful shutdown, as the first shutdown signal does.
    public func triggerGracefulShutdown() async {
        logger.info("graceful shutdown requested")
        await group.triggerGracefulShutdown()
    }

    /// Why one of the two tasks in ``run()`` ended.
    private enum Ending: Sendable {
        case servicesStopped
        case cancellationRequested
        case signalsEnded
    }

    /// Turns the first signal into graceful shutdown and a second into cancellation.
    private func watch(_ signals: UnixSignalsSequence) async -> Ending {
        var received = 0
        for await signal in signals {
            received += 1
            if received == 1 {
                logger.info("shutting down gracefully", metadata: ["signal": .string(signal.description)])
                await group.triggerGracefulShutdown()
            } else {
                logger.warning("second shutdown signal, cancelling", metadata: ["signal": .string(signal.description)])
                return .cancellationRequested
            }
        }
        return .signalsEnded
    }
}
