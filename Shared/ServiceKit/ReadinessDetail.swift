/// Something `/readyz` shows beside its checks without deciding readiness, e.g. the
/// notification service's open circuits: a relay that is down is worth seeing, but the
/// service itself is fine and keeps its alerts.
public struct ReadinessDetail: Sendable {
    /// The key under which the values appear in `/readyz`'s `details` object.
    public let name: String
    /// The values now, or nil when they cannot be read (shown as `null`).
    public let probe: @Sendable () async -> [String]?

    /// Creates a detail from a probe.
    public init(name: String, probe: @escaping @Sendable () async -> [String]?) {
        self.name = name
        self.probe = probe
    }
}
