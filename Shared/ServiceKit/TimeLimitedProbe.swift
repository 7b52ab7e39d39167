import Synchronization

/// Runs a readiness probe with a deadline, answering `false` on overrun even when the
/// probe ignores cancellation (the probe then finishes in the background).
enum TimeLimitedProbe {
    static func run(_ probe: @escaping @Sendable () async -> Bool, timeout: Duration) async -> Bool {
        await value(probe, timeout: timeout, overrun: false)
    }

    /// The probe's answer, or `overrun` (nil by default) when it takes longer than `timeout`.
    static func value<T: Sendable>(_ probe: @escaping @Sendable () async -> T, timeout: Duration, overrun: T) async -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            let answer = SingleAnswer(continuation)
            let deadline = Task { try await Task.sleep(for: timeout) }
            let work = Task {
                let result = await probe()
                deadline.cancel()
                answer.give(result)
            }
            Task {
                // A cancelled deadline means the probe answered in time.
                guard (try? await deadline.value) != nil else { return }
                if answer.give(overrun) {
                    work.cancel()
                }
            }
        }
    }

    static func value<T: Sendable>(_ probe: @escaping @Sendable () async -> T?, timeout: Duration) async -> T? {
        await value(probe, timeout: timeout, overrun: nil)
    }

    /// Resumes the continuation once: whichever of probe and deadline comes first wins.
    private final class SingleAnswer<T: Sendable>: Sendable {
        private let continuation: Mutex<CheckedContinuation<T, Never>?>

        init(_ continuation: CheckedContinuation<T, Never>) {
            self.continuation = Mutex(continuation)
        }

        /// Returns whether this call was the one that answered.
        @discardableResult
        func give(_ value: T) -> Bool {
            guard let continuation = continuation.withLock({ $0.take() }) else { return false }
            continuation.resume(returning: value)
            return true
        }
    }
}
