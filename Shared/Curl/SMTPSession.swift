import CCurl

/// One libcurl handle that sends email after email to the relay over the same connection:
/// libcurl keeps a handle's connection open after a transfer and reuses it for the next
/// one to the same URL, so the greeting, `EHLO`, `STARTTLS` and `AUTH` happen once per
/// session instead of once per email.
///
/// Blocks its thread while sending. Not safe to share: `SMTPMailer` hands each session to
/// one send at a time, which is what makes the `Sendable` claim hold.
final class SMTPSession: @unchecked Sendable {
    private let handle: CurlEasyHandle
    /// Emails this session has handed over (its connection may have been renewed meanwhile).
    private(set) var sent = 0

    /// Sets up the handle for `configuration`'s relay; connects on the first send.
    init(configuration: SMTPConfiguration) throws(CurlError) {
        handle = try CurlEasyHandle(context: "SMTP send")
        try handle.set(CURLOPT_URL, configuration.url)
        try handle.set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
        try handle.set(CURLOPT_MAIL_FROM, "<\(configuration.from)>")
        try handle.set(CURLOPT_UPLOAD, 1)
        try handle.set(timeouts: configuration.connectTimeout, total: configuration.timeout)
        if configuration.requireStartTLS {
            try handle.set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
        }
        if let caFile = configuration.caFile {
            try handle.set(CURLOPT_CAINFO, caFile)
        }
        if let username = configuration.username {
            try handle.set(CURLOPT_USERNAME, username)
            try handle.set(CURLOPT_PASSWORD, configuration.password ?? "")
        }
    }

    /// Delivers `message` to `recipient`, on the session's connection when it is still open.
    ///
    /// A relay may close a connection that waited between emails (its idle timeout, a
    /// restart, a limit on messages per connection), and the next transfer only learns it
    /// when `MAIL FROM` goes unanswered or is answered 421. Nothing of the email has left
    /// by then, so it goes once more on a new connection; every other failure is the
    /// caller's to judge.
    func send(_ message: [UInt8], to recipient: String) throws(CurlError) -> Int {
        try handle.set(CURLOPT_MAIL_RCPT, list: ["<\(recipient)>"])
        do {
            let code = try handle.performSMTP(uploading: message)
            sent += 1
            return code
        } catch {
            guard handle.connectionsOpenedByLastTransfer() == 0, Self.isStaleConnection(error) else { throw error }
        }
        try handle.set(CURLOPT_FRESH_CONNECT, 1)
        defer { try? handle.set(CURLOPT_FRESH_CONNECT, 0) }
        let code = try handle.performSMTP(uploading: message)
        sent += 1
        return code
    }

    /// A reused connection that failed before the relay took anything of this email: no
    /// reply at all, or 421 (the relay closing the connection), up to `MAIL FROM`.
    static func isStaleConnection(_ error: CurlError) -> Bool {
        guard let stage = error.smtpStage, stage == .connection || stage == .sender else { return false }
        return error.responseCode == nil || error.responseCode == 421
    }
}
