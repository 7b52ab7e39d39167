/// Whether a failed attempt is worth repeating.
public enum FailureClass: String, Sendable, Equatable {
    /// The relay or endpoint may accept later (unreachable, SMTP 4yz, HTTP 5xx or 429).
    case transient
    /// It will keep refusing (SMTP 5yz on the recipient, HTTP 4xx, a template error).
    case permanent

    /// Classifies a failure from the server's reply code (`nil` when it never answered).
    public static func classify(channel: DeliveryChannel, responseCode: Int?) -> FailureClass {
        guard let code = responseCode, code > 0 else { return .transient }
        switch channel {
        case .email:
            return (500...599).contains(code) ? .permanent : .transient
        case .webhook:
            if code == 429 || code == 408 || (500...599).contains(code) { return .transient }
            return .permanent
        }
    }
}
