/// Whether a failed attempt is worth repeating.
public enum FailureClass: String, Sendable, Equatable {
    /// The relay or endpoint may accept later (unreachable, SMTP 4yz or a refused relay
    /// login, HTTP 5xx or 429).
    case transient
    /// It will keep refusing (SMTP 5yz on the recipient, HTTP 4xx, a template error).
    case permanent

    /// Classifies a failed email from the relay's reply code (`nil` when it never
    /// answered) and whether that reply was about the recipient (`RCPT TO`, or the
    /// message content sent for them).
    ///
    /// Only a reply about the recipient counts against the person; everything before it
    /// (connection, timeout, TLS, greeting, `EHLO`, `AUTH`, `MAIL FROM`, 4yz or 5yz alike)
    /// is the relay's, and passes once the relay or its configuration is mended.
    public static func email(responseCode: Int?, aboutRecipient: Bool) -> (FailureClass, FailureSite) {
        guard aboutRecipient, let code = responseCode, (400...599).contains(code) else { return (.transient, .relay) }
        return ((500...599).contains(code) ? .permanent : .transient, .recipient)
    }

    /// Classifies a failed webhook post from the HTTP status (`nil` when no answer came).
    /// No answer, 5xx, 429 and 408 are the receiver's (its host's circuit counts them);
    /// any other status is an answer about this person's endpoint and is not retried.
    public static func webhook(status: Int?) -> (FailureClass, FailureSite) {
        guard let code = status, code > 0 else { return (.transient, .receiver) }
        if code == 429 || code == 408 || (500...599).contains(code) { return (.transient, .receiver) }
        return (.permanent, .recipient)
    }
}
