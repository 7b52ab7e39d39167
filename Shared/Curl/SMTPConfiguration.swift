/// Where and how email is handed to the relay.
public struct SMTPConfiguration: Sendable, CustomStringConvertible {
    /// `smtp://host:port` or `smtps://host:port` (implicit TLS).
    public var url: String
    /// The envelope sender and `From:` address.
    public var from: String
    /// Requires STARTTLS on `smtp://` (libcurl's `CURLUSESSL_ALL`); refuses to send without it.
    public var requireStartTLS: Bool
    /// Relay login, when the relay asks for authentication.
    public var username: String?
    /// Relay password; never shown in `description`.
    public var password: String?
    /// A PEM file of the certificate authorities to trust for the relay's certificate,
    /// instead of the system's (a private relay's own CA); nil trusts the system's.
    public var caFile: String?
    /// Time allowed to connect.
    public var connectTimeout: Duration
    /// Time allowed for the whole transfer.
    public var timeout: Duration
    /// Emails one connection carries before it quits and a new one opens (relays may cap
    /// messages per connection); 1 opens a connection per email.
    public var messagesPerSession: Int

    /// Creates a configuration.
    public init(
        url: String = "smtp://127.0.0.1:2525", from: String, requireStartTLS: Bool = false,
        username: String? = nil, password: String? = nil, caFile: String? = nil,
        connectTimeout: Duration = .seconds(10), timeout: Duration = .seconds(30), messagesPerSession: Int = 100
    ) {
        self.url = url
        self.from = from
        self.requireStartTLS = requireStartTLS
        self.username = username
        self.password = password
        self.caFile = caFile
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.messagesPerSession = max(1, messagesPerSession)
    }

    public var description: String {
        "SMTPConfiguration(url: \(url), startTLS: \(requireStartTLS), auth: \(username == nil ? "no" : "yes"), ca: \(caFile ?? "system"), messagesPerSession: \(messagesPerSession))"
    }
}
