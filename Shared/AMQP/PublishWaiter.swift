import Synchronization

/// Collects the outcomes of one published batch and hands them to the waiting caller
/// once: when every message has an answer, or earlier when the connection fails, the
/// time limit passes or the caller is cancelled (the rest are then `.unconfirmed`).
///
/// The connection's thread records answers; a timer or a cancelled caller may end the
/// wait from elsewhere, even while that thread is stuck in a blocking C call.
final class PublishWaiter: Sendable {
    private struct State {
        var outcomes: [PublishOutcome?]
        var remaining: Int
        var continuation: CheckedContinuation<[PublishOutcome], Never>?
        /// Set once answered; kept until the continuation is installed.
        var answer: [PublishOutcome]?
    }

    private let state: Mutex<State>

    init(count: Int) {
        state = Mutex(State(outcomes: Array(repeating: nil, count: count), remaining: count))
    }

    /// Whether the caller has its answer (nothing more of this batch needs sending).
    var isAnswered: Bool { state.withLock { $0.answer != nil } }

    /// Installs the caller's continuation; resumes it at once when already answered.
    func install(_ continuation: CheckedContinuation<[PublishOutcome], Never>) {
        let answer = state.withLock { state -> [PublishOutcome]? in
            if let answer = state.answer { return answer }
            state.continuation = continuation
            return nil
        }
        if let answer { continuation.resume(returning: answer) }
    }

    /// Records the broker's (or the encoder's) answer for message `index`.
    func resolve(_ index: Int, _ outcome: PublishOutcome) {
        let ready = state.withLock { state -> (CheckedContinuation<[PublishOutcome], Never>?, [PublishOutcome])? in
            guard state.answer == nil, state.outcomes[index] == nil else { return nil }
            state.outcomes[index] = outcome
            state.remaining -= 1
            guard state.remaining == 0 else { return nil }
            return Self.finish(&state, error: .closed)
        }
        if let (continuation, outcomes) = ready { continuation?.resume(returning: outcomes) }
    }

    /// Ends the wait: messages without an answer yet are `.unconfirmed(error)`.
    func expire(_ error: AMQPError) {
        let ready = state.withLock { state -> (CheckedContinuation<[PublishOutcome], Never>?, [PublishOutcome])? in
            guard state.answer == nil else { return nil }
            return Self.finish(&state, error: error)
        }
        if let (continuation, outcomes) = ready { continuation?.resume(returning: outcomes) }
    }

    private static func finish(
        _ state: inout State, error: AMQPError
    ) -> (CheckedContinuation<[PublishOutcome], Never>?, [PublishOutcome]) {
        let outcomes = state.outcomes.map { $0 ?? .unconfirmed(error) }
        state.answer = outcomes
        let continuation = state.continuation
        state.continuation = nil
        return (continuation, outcomes)
    }
}
