/// One named condition that `/readyz` reports, e.g. `broker` or `database`.
///
/// The probe should be cheap and should honour task cancellation; it is given a
/// limited time (2 s by default) and counts as failed when it overruns.
public struct ReadinessCheck: Sendable {
    /// The key under which the result appears in `/readyz`'s `checks` object.
    public let name: String
    /// Returns whether the condition holds right now, with an optional detail.
    public let report: @Sendable () async -> ReadinessResult

    /// Creates a check from a probe that also explains itself.
    public init(name: String, report: @escaping @Sendable () async -> ReadinessResult) {
        self.name = name
        self.report = report
    }

    /// Creates a check from a plain yes/no probe.
    public init(name: String, probe: @escaping @Sendable () async -> Bool) {
        self.init(name: name) { ReadinessResult(passed: await probe()) }
    }

    /// Creates a check that reports a ``ReadinessState`` flag.
    public init(name: String, state: ReadinessState) {
        self.init(name: name) { state.isReady }
    }
}
