/// Whether a failed attempt is worth repeating.
public enum FailureClass: String, Sendable, Equatable {
    /// The relay or endpoint may accept later (unreachable, SMTP 4yz or a refused relay
    /// login, HTTP 5xx or 429).
    case transient
    /// It will keep refusing (SMTP 5yz on the recipient, HTTP 4xx, a template error).
    case permanent

    /// Classifies a failure from the server's reply code (`nil` when it never answered).
    public static func classify(channel: DeliveryChannel, responseCode: Int?) -> FailureClass {
        guard let code = responseCode, code > 0 else { return .transient }
        switch channel {
        case .email:
            // 530/534/535/538: the relay refused our login, not the recipient; retrying
            // after the operators fix the credentials will succeed.
            if [530, 534, 535, 538].contains(code) { return .transient }
            return (500...599).contains(code) ? .permanent : .transient
        case .webhook:
            if code == 429 || code == 408 || (500...599).contains(code) { return .transient }
            return .permanent
        }
    }
}
