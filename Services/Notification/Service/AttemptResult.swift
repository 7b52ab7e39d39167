import NotificationDomain

/// How one send attempt ended, as recorded in `delivery_attempts`.
enum AttemptResult: Sendable, Equatable {
    case sent(responseCode: Int)
    /// `error` is free of personal data (library and reply codes only).
    case failed(FailureClass, responseCode: Int?, error: String)

    var label: String {
        switch self {
        case .sent: "sent"
        case .failed(let failure, _, _): failure.rawValue
        }
    }

    var responseCode: Int? {
        switch self {
        case .sent(let code): code
        case .failed(_, let code, _): code
        }
    }
}
