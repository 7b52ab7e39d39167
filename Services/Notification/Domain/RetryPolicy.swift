import Foundation
import Retry

/// Bounded retries with exponential backoff and jitter: neither a flood on an endpoint
/// that is down nor a silent give-up after one try.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first one included.
    public var maximumAttempts: Int
    /// No retry is scheduled later than this after the delivery's first attempt (not its
    /// creation: a reminder held over a weekend still gets its whole window).
    public var maximumAge: Duration
    /// The delay before the second attempt (before jitter).
    public var initialDelay: Duration
    /// The longest delay between two attempts (before jitter).
    public var maximumDelay: Duration

    /// The defaults: 8 attempts within 24 hours, from 30 s doubling up to 1 h.
    public init(
        maximumAttempts: Int = 8, maximumAge: Duration = .seconds(24 * 3600),
        initialDelay: Duration = .seconds(30), maximumDelay: Duration = .seconds(3600)
    ) {
        self.maximumAttempts = max(1, maximumAttempts)
        self.maximumAge = maximumAge
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
    }

    /// What to do after a failed attempt.
    public enum Decision: Sendable, Equatable {
        /// Try again at this instant.
        case retry(at: Date)
        /// Record the delivery as failed.
        case giveUp
    }

    /// The decision after attempt number `attempt` (1-based) failed as `failure`.
    ///
    /// The delay is `initialDelay · 2^(attempt-1)`, capped, then drawn uniformly from its
    /// upper half ("equal jitter") so that many deliveries failing together spread out.
    public func decision<Generator: RandomNumberGenerator>(
        afterAttempt attempt: Int, failure: FailureClass, firstAttemptAt: Date, now: Date, using generator: inout Generator
    ) -> Decision {
        guard failure == .transient, attempt < maximumAttempts else { return .giveUp }
        let next = now.addingTimeInterval(Self.seconds(schedule.delay(attempt: attempt - 1, using: &generator)))
        guard next <= firstAttemptAt.addingTimeInterval(Self.seconds(maximumAge)) else { return .giveUp }
        return .retry(at: next)
    }

    /// Whether a delivery that failed on a shared endpoint (the relay, a webhook receiver)
    /// keeps waiting behind that endpoint's circuit: such failures do not use the
    /// delivery's own attempts, only its time, up to `maximumAge` after its first attempt.
    public func keepsWaiting(firstAttemptAt: Date, now: Date) -> Bool {
        now < firstAttemptAt.addingTimeInterval(Self.seconds(maximumAge))
    }

    /// The decision with the system's random numbers.
    public func decision(afterAttempt attempt: Int, failure: FailureClass, firstAttemptAt: Date, now: Date) -> Decision {
        var generator = SystemRandomNumberGenerator()
        return decision(afterAttempt: attempt, failure: failure, firstAttemptAt: firstAttemptAt, now: now, using: &generator)
    }

    /// The delay before jitter after `attempt` failures, in seconds.
    public func backoff(afterAttempt attempt: Int) -> Double {
        Self.seconds(schedule.ceiling(attempt: attempt - 1))
    }

    /// The cluster's backoff, from `initialDelay` doubling up to `maximumDelay`.
    private var schedule: Backoff { Backoff(initial: initialDelay, maximum: maximumDelay) }

    /// `duration` in seconds, fractions kept.
    public static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
