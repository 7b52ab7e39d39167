/// Exponential backoff with "equal jitter", the one schedule every retry in the cluster
/// uses: reconnecting to the broker or the database, re-running migrations, retrying a
/// delivery, probing a relay that failed.
///
/// The pause before retry `n` (0-based) is drawn between half and all of its ceiling,
/// `initial × 2ⁿ` capped at `maximum`: many clients that failed together spread out, yet
/// none comes back sooner than half the ceiling.
public struct Backoff: Sendable, Equatable {
    public var initial: Duration
    public var maximum: Duration

    public init(initial: Duration = .milliseconds(200), maximum: Duration = .seconds(10)) {
        self.initial = initial
        self.maximum = max(initial, maximum)
    }

    /// The pause before retry `attempt` (0-based) without jitter: `initial × 2^attempt`, at most `maximum`.
    public func ceiling(attempt: Int) -> Duration {
        // 2^30 times even an hour still fits a Duration; the cap applies long before.
        min(initial * (1 << min(max(attempt, 0), 30)), maximum)
    }

    /// The pause before retry `attempt` (0-based): between half the ceiling and all of it.
    public func delay(attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        // Whole milliseconds (rounded up, so never under half), which read well in logs.
        let ceiling = ceiling(attempt: attempt)
        let milliseconds = (ceiling / .milliseconds(1) * Double.random(in: 0.5...1, using: &generator)).rounded(.up)
        return min(.milliseconds(Int64(milliseconds)), ceiling)
    }

    /// ``delay(attempt:using:)`` with the system's random numbers.
    public func delay(attempt: Int) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(attempt: attempt, using: &generator)
    }
}
