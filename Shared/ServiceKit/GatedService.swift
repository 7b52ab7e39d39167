import ServiceLifecycle

/// Runs a worker of the service group once its ``StartGate`` opens; when the group stops
/// first (a failed start, SIGTERM), the worker never starts.
struct GatedService: Service, CustomStringConvertible {
    let gate: StartGate
    let worker: any Service

    /// The worker's name, which the service group's log lines show.
    var description: String { String(describing: worker) }

    func run() async throws {
        let gate = gate
        let opened = await cancelWhenGracefulShutdown { await gate.wait() }
        guard opened, !Task.isCancelled, !Task.isShuttingDownGracefully else { return }
        try await worker.run()
    }
}
