import Synchronization

/// Runs a readiness probe with a deadline, answering "failed" on overrun even when the
/// probe ignores cancellation (the probe then finishes in the background).
enum TimeLimitedProbe {
    static func run(_ probe: @escaping @Sendable () async -> ReadinessResult, timeout: Duration) async -> ReadinessResult {
        await withCheckedContinuation { (continuation: CheckedContinuation<ReadinessResult, Never>) in
            let answer = SingleAnswer(continuation)
            let deadline = Task { try await Task.sleep(for: timeout) }
            let work = Task {
                let healthy = await probe()
                deadline.cancel()
                answer.give(healthy)
            }
            Task {
                // A cancelled deadline means the probe answered in time.
                guard (try? await deadline.value) != nil else { return }
                if answer.give(ReadinessResult(passed: false)) {
                    work.cancel()
                }
            }
        }
    }

    /// Resumes the continuation once: whichever of probe and deadline comes first wins.
    private final class SingleAnswer: Sendable {
        private let continuation: Mutex<CheckedContinuation<ReadinessResult, Never>?>

        init(_ continuation: CheckedContinuation<ReadinessResult, Never>) {
            self.continuation = Mutex(continuation)
        }

        /// Returns whether this call was the one that answered.
        @discardableResult
        func give(_ value: ReadinessResult) -> Bool {
            guard let continuation = continuation.withLock({ $0.take() }) else { return false }
            continuation.resume(returning: value)
            return true
        }
    }
}
