import Synchronization

/// Sends email through the configured relay with libcurl, over a few long-lived sessions.
///
/// Each concurrent `send` takes an idle session (or opens one), so as many emails travel
/// at once as callers send at once, and each session carries up to
/// `SMTPConfiguration.messagesPerSession` emails before it quits and a new one starts.
/// A session whose send failed is closed rather than reused.
///
/// `send` blocks its thread: call it from a thread pool, never from Swift's cooperative
/// pool.
public final class SMTPMailer: Sendable {
    /// The relay and sender.
    public let configuration: SMTPConfiguration
    private let idle = Mutex<[SMTPSession]>([])

    /// Creates a mailer; it connects on the first send.
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
        let session: SMTPSession
        if let waiting = idle.withLock({ $0.popLast() }) {
            session = waiting
        } else {
            session = try SMTPSession(configuration: configuration)
        }
        let code = try session.send(message, to: recipient)
        if session.sent < configuration.messagesPerSession {
            idle.withLock { $0.append(session) }
        }
        return code
    }

    /// Ends the idle sessions (libcurl says `QUIT` as it closes each connection). Blocks:
    /// call it on a sender thread when stopping.
    public func closeSessions() {
        let closing = idle.withLock { idle -> [SMTPSession] in
            let sessions = idle
            idle = []
            return sessions
        }
        // Released here, outside the lock: each handle's cleanup talks to the relay.
        withExtendedLifetime(closing) {}
    }
}
