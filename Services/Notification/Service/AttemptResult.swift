import NotificationDomain

/// How one send attempt ended, as recorded in `delivery_attempts`.
enum AttemptResult: Sendable, Equatable {
    case sent(responseCode: Int)
    /// `site` says whose failure it was; `error` is free of personal data (library and
    /// reply codes only).
    case failed(FailureClass, FailureSite, responseCode: Int?, error: String)
    /// Nothing was handed to the relay or receiver (the service is stopping): not an
    /// attempt, so nothing is recorded and the delivery is simply released.
    case notAttempted

    var label: String {
        switch self {
        case .sent: "sent"
        case .failed(let failure, _, _, _): failure.rawValue
        case .notAttempted: "not-attempted"
        }
    }

    var responseCode: Int? {
        switch self {
        case .sent(let code): code
        case .failed(_, _, let code, _): code
        case .notAttempted: nil
        }
    }
}
