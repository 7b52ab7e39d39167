/// How far an SMTP send got: the last command sent to the relay when it failed, so a
/// refusal of the recipient (`RCPT TO`) can be told from a relay that is down or refuses
/// everything (connection, greeting, `EHLO`, `AUTH`, `MAIL FROM`).
public enum SMTPStage: String, Sendable, Hashable {
    /// No command sent yet: connecting, the TLS handshake (smtps) or the greeting.
    case connection
    /// `EHLO` or `HELO`.
    case hello
    /// `STARTTLS` and the handshake after it.
    case startTLS = "starttls"
    /// `AUTH` and its exchange.
    case authentication
    /// `MAIL FROM`.
    case sender
    /// `RCPT TO`.
    case recipient
    /// The `DATA` command.
    case data
    /// The message content, up to the relay's reply to its end.
    case message

    /// The stage a command line starts, or nil for lines inside one (AUTH continuations)
    /// and for `QUIT`, which libcurl also sends while closing after a failure: the stage
    /// that failed stays. Only the verb is looked at: the rest of the line holds addresses.
    static func started(byCommand line: some Collection<UInt8>) -> SMTPStage? {
        let verb = String(decoding: line.prefix(8), as: UTF8.self).uppercased()
        let stages: [(String, SMTPStage)] = [
            ("EHLO", .hello), ("HELO", .hello), ("STARTTLS", .startTLS), ("AUTH", .authentication),
            ("MAIL", .sender), ("RCPT", .recipient), ("DATA", .data),
        ]
        return stages.first { verb.hasPrefix($0.0) }?.1
    }
}
