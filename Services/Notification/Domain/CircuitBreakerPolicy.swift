import Foundation

/// Pauses an endpoint (one person's mailbox or webhook) after it failed several times in
/// a row, so a dead endpoint does not take every retry slot; the pause ends by itself.
public struct CircuitBreakerPolicy: Sendable, Equatable {
    /// Consecutive failed attempts that open the circuit.
    public var failureThreshold: Int
    /// How long an open circuit holds the endpoint's deliveries back.
    public var pause: Duration

    /// The defaults: 5 failures in a row pause the endpoint for 10 minutes.
    public init(failureThreshold: Int = 5, pause: Duration = .seconds(600)) {
        self.failureThreshold = max(1, failureThreshold)
        self.pause = pause
    }

    /// Until when the endpoint is paused after `consecutiveFailures`, or `nil` when it stays closed.
    public func openUntil(consecutiveFailures: Int, now: Date) -> Date? {
        guard consecutiveFailures >= failureThreshold else { return nil }
        return now.addingTimeInterval(RetryPolicy.seconds(pause))
    }
}
