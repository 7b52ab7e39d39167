import Foundation
import Retry

/// When endpoints stop being tried, and for how long.
///
/// A shared endpoint (the SMTP relay, a webhook receiver's host) opens at its first
/// failure: every delivery behind it waits, and one of them probes it after
/// `firstProbeDelay`, then with doubling delays up to `probeInterval`; the first send
/// that succeeds closes it. One person's mailbox that refuses `failureThreshold` times in
/// a row is paused for `pause`, without holding anyone else's.
public struct CircuitBreakerPolicy: Sendable, Equatable {
    /// Consecutive refusals of one person's address that pause it.
    public var failureThreshold: Int
    /// How long a paused person's deliveries are held back.
    public var pause: Duration
    /// The first probe of a shared endpoint after it failed.
    public var firstProbeDelay: Duration
    /// The longest wait between probes of a shared endpoint: once it is back, nothing
    /// waits longer than this for it.
    public var probeInterval: Duration

    /// The defaults: 5 refusals pause a person for 10 minutes; a shared endpoint is probed
    /// after 2 s, then up to every 30 s.
    public init(
        failureThreshold: Int = 5, pause: Duration = .seconds(600), firstProbeDelay: Duration = .seconds(2),
        probeInterval: Duration = .seconds(30)
    ) {
        self.failureThreshold = max(1, failureThreshold)
        self.pause = pause
        self.probeInterval = probeInterval
        self.firstProbeDelay = min(firstProbeDelay, probeInterval)
    }

    /// Until when a person's endpoint is paused after `consecutiveFailures`, or `nil` when it stays closed.
    public func openUntil(consecutiveFailures: Int, now: Date) -> Date? {
        guard consecutiveFailures >= failureThreshold else { return nil }
        return now.addingTimeInterval(RetryPolicy.seconds(pause))
    }

    /// The wait before the next probe of a shared endpoint that has failed `failures`
    /// times (the failure that opened it included) since it last worked.
    public func probeDelay(afterFailures failures: Int) -> Duration {
        // Without jitter: one probe per shared endpoint, so there is nothing to spread out.
        Backoff(initial: firstProbeDelay, maximum: probeInterval).ceiling(attempt: failures - 1)
    }
}
