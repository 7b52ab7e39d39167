import Foundation

/// What becomes of a delivery after an attempt.
enum DeliveryOutcome: Sendable, Equatable {
    case sent
    /// Failed on the person's side: tried again at this instant (one of its retries).
    case retry(at: Date)
    /// Failed on a shared endpoint: stays due behind that endpoint's circuit, without
    /// using a retry, and goes as soon as the endpoint is back.
    case waiting
    /// Given up: recorded as failed and reported to the operators.
    case failed
}
