/// Exponential backoff with full jitter, for reconnecting.
public struct Backoff: Sendable {
    public var initial: Duration
    public var maximum: Duration

    public init(initial: Duration = .milliseconds(200), maximum: Duration = .seconds(10)) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The pause before attempt `attempt` (0-based): up to initial × 2^attempt, capped.
    public func delay(attempt: Int) -> Duration {
        let factor = 1 << min(attempt, 16)
        let ceiling = min(initial * factor, maximum)
        let milliseconds = max(1, Int(ceiling.components.seconds) * 1000 + Int(ceiling.components.attoseconds / 1_000_000_000_000_000))
        return .milliseconds(Int.random(in: (milliseconds / 2)...milliseconds))
    }
}
