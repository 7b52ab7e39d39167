import Foundation

/// Where and how to connect to the broker.
///
/// `description` never contains the password, so a configuration can be logged.
public struct AMQPConfiguration: Sendable, CustomStringConvertible {
    /// TLS settings for `amqps://`. Peer and host-name verification are on by default.
    public struct TLS: Sendable, Hashable {
        public var caCertificatePath: String?
        public var verifyPeer: Bool
        public var verifyHostname: Bool

        public init(caCertificatePath: String? = nil, verifyPeer: Bool = true, verifyHostname: Bool = true) {
            self.caCertificatePath = caCertificatePath
            self.verifyPeer = verifyPeer
            self.verifyHostname = verifyHostname
        }
    }

    public var host: String
    public var port: Int
    public var virtualHost: String
    public var user: String
    public var password: String
    public var tls: TLS?
    /// Seconds between heartbeats; the connection's own thread services them even when idle.
    public var heartbeatSeconds: Int
    public var connectTimeoutSeconds: Int
    /// Shown in the broker's management UI, to tell connections apart.
    public var connectionName: String
    /// Kept at the library default: a tiny frame_max is a known crash trigger.
    public var frameMax: Int = AMQPConfiguration.defaultFrameMax
    /// How long a publish waits for its confirms (e.g. while the broker blocks publishers
    /// on a memory or disk alarm) before its unanswered messages count as unconfirmed.
    public var publishTimeout: Duration = .seconds(30)
    /// The broker's `max_message_size` (bytes of body): a larger message is refused by the
    /// client as unencodable instead of making the broker close the channel mid-batch.
    public var maxMessageSize: Int = 1_048_576

    /// rabbitmq-c's and RabbitMQ's default frame size.
    public static let defaultFrameMax = 131_072

    public init(
        host: String = "127.0.0.1", port: Int = 5672, virtualHost: String = "/", user: String, password: String,
        tls: TLS? = nil, heartbeatSeconds: Int = 30, connectTimeoutSeconds: Int = 10, connectionName: String = "reintegration"
    ) {
        self.host = host
        self.port = port
        self.virtualHost = virtualHost
        self.user = user
        self.password = password
        self.tls = tls
        self.heartbeatSeconds = heartbeatSeconds
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.connectionName = connectionName
    }

    /// Parses `amqp://user:password@host:port/vhost` or `amqps://…` (the vhost and the
    /// credentials percent-decoded; an empty path is the default vhost `/`).
    public init(url: String, connectionName: String = "reintegration") throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              scheme == "amqp" || scheme == "amqps"
        else { throw AMQPError.configuration("the broker URL must start with amqp:// or amqps://") }
        guard let host = components.host, !host.isEmpty else {
            throw AMQPError.configuration("the broker URL has no host")
        }
        guard let user = components.user, let password = components.password else {
            throw AMQPError.configuration("the broker URL has no user and password")
        }
        let path = components.percentEncodedPath
        var virtualHost = "/"
        if path.count > 1 {
            virtualHost = String(path.dropFirst()).removingPercentEncoding ?? String(path.dropFirst())
        }
        self.init(
            host: host,
            port: components.port ?? (scheme == "amqps" ? 5671 : 5672),
            virtualHost: virtualHost,
            user: user.removingPercentEncoding ?? user,
            password: password.removingPercentEncoding ?? password,
            tls: scheme == "amqps" ? TLS() : nil,
            connectionName: connectionName
        )
    }

    public var description: String {
        "\(tls == nil ? "amqp" : "amqps")://\(user)@\(host):\(port)/\(virtualHost)"
    }
}
