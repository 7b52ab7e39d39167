import CCurl

/// Sends one email through the configured relay with libcurl.
///
/// `send` blocks its thread: call it from a thread pool, never from Swift's cooperative
/// pool.
public struct SMTPMailer: Sendable {
    /// The relay and sender.
    public let configuration: SMTPConfiguration

    /// Creates a mailer.
    public init(configuration: SMTPConfiguration) {
        self.configuration = configuration
    }

    /// Delivers `message` (a complete RFC 5322 message, CRLF line ends) to `recipient`.
    ///
    /// - Returns: the relay's final reply code (250 on success).
    /// - Throws: `CurlError`; `.connection` when the relay cannot be reached, otherwise
    ///   with the relay's reply code (4yz temporary, 5yz permanent) when it answered, and
    ///   always with the stage it failed at.
    @discardableResult
    public func send(_ message: [UInt8], to recipient: String) throws(CurlError) -> Int {
        let handle = try CurlEasyHandle(context: "SMTP send")
        try handle.set(CURLOPT_URL, configuration.url)
        try handle.set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
        try handle.set(CURLOPT_MAIL_FROM, "<\(configuration.from)>")
        try handle.set(CURLOPT_MAIL_RCPT, list: ["<\(recipient)>"])
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
        return try handle.performSMTP(uploading: message)
    }
}
