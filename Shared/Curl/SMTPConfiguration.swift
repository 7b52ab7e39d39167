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
    /// Seconds allowed to connect.
    public var connectTimeoutSeconds: Int
    /// Seconds allowed for the whole transfer.
    public var timeoutSeconds: Int

    /// Creates a configuration.
    public init(
        url: String = "smtp://127.0.0.1:2525", from: String, requireStartTLS: Bool = false,
        username: String? = nil, password: String? = nil, caFile: String? = nil,
        connectTimeoutSeconds: Int = 10, timeoutSeconds: Int = 30
    ) {
        self.url = url
        self.from = from
        self.requireStartTLS = requireStartTLS
        self.username = username
        self.password = password
        self.caFile = caFile
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.timeoutSeconds = timeoutSeconds
    }

    public var description: String {
        "SMTPConfiguration(url: \(url), startTLS: \(requireStartTLS), auth: \(username == nil ? "no" : "yes"), ca: \(caFile ?? "system"))"
    }
}
