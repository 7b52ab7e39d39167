import ServiceLifecycle

/// A service that does one thing when the group shuts down: closing a client or a pool.
///
/// Put first in the group, it starts first and stops last, after every service that
/// uses the resource has stopped; so nothing is torn down by hand after the group ends.
struct ShutdownAction: Service {
    let name: String
    let action: @Sendable () async -> Void

    func run() async throws {
        // Cancellation ends the wait too; the resource is released either way.
        try? await gracefulShutdown()
        await action()
    }
}
