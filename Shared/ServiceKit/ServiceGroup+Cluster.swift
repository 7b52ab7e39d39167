import Logging
import ServiceLifecycle
import UnixSignals

extension ServiceGroup {
    /// The group every service process runs in: services start in the order given and
    /// stop in reverse order. SIGTERM or SIGINT starts a graceful shutdown; SIGQUIT, or
    /// the grace period running out, cancels whatever is still running.
    ///
    /// - Parameters:
    ///   - services: the services, in start order.
    ///   - gracePeriod: time allowed for graceful shutdown before cancellation.
    ///   - gracefulShutdownSignals: signals that ask for a graceful shutdown.
    ///   - cancellationSignals: signals that cancel at once, also during a graceful shutdown.
    public static func cluster(
        services: [any Service], gracePeriod: Duration, logger: Logger,
        gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint], cancellationSignals: [UnixSignal] = [.sigquit]
    ) -> ServiceGroup {
        var configuration = ServiceGroupConfiguration(
            services: services,
            gracefulShutdownSignals: gracefulShutdownSignals, cancellationSignals: cancellationSignals, logger: logger)
        configuration.maximumGracefulShutdownDuration = gracePeriod
        return ServiceGroup(configuration: configuration)
    }
}
