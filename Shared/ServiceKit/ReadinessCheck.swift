/// One named condition that `/readyz` reports, e.g. `broker` or `database`.
///
/// The probe should be cheap and should honour task cancellation; it is given a
/// limited time (2 s by default) and counts as failed when it overruns.
public struct ReadinessCheck: Sendable {
    /// The key under which the result appears in `/readyz`'s `checks` object.
    public let name: String
    /// Returns whether the condition holds right now.
    public let probe: @Sendable () async -> Bool

    /// Creates a check from a probe.
    public init(name: String, probe: @escaping @Sendable () async -> Bool) {
        self.name = name
        self.probe = probe
    }

    /// Creates a check that reports a ``ReadinessState`` flag.
    public init(name: String, state: ReadinessState) {
        self.init(name: name) { state.isReady }
    }
}
