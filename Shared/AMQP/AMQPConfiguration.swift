import Foundation

/// Where and how to connect to the broker.
///
/// `description` never contains the password, so a configuration can be logged.
public struct AMQPConfiguration: Sendable, CustomStringConvertible {
    /// TLS settings for `amqps://`. Peer and host-name verification are on by default.
    /// rabbitmq-c 0.11 does not load the system's authorities: a CA file is needed.
    public struct TLS: Sendable, Hashable {
        public var caCertificatePath: String?
        /// A client certificate and its key, for a broker that asks for one.
        public var clientCertificatePath: String?
        public var clientKeyPath: String?
        public var verifyPeer: Bool
        public var verifyHostname: Bool

        public init(
            caCertificatePath: String? = nil, clientCertificatePath: String? = nil, clientKeyPath: String? = nil,
            verifyPeer: Bool = true, verifyHostname: Bool = true
        ) {
            self.caCertificatePath = caCertificatePath
            self.clientCertificatePath = clientCertificatePath
            self.clientKeyPath = clientKeyPath
            self.verifyPeer = verifyPeer
            self.verifyHostname = verifyHostname
        }
    }

    /// One broker node.
    public struct Node: Sendable, Hashable, CustomStringConvertible {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

        /// This machine: a loopback address or `localhost`.
        var isLocal: Bool { host == "localhost" || host == "::1" || host.hasPrefix("127.") }
    }

    /// The cluster's nodes. A connection starts at a random one (spreading the clients) and
    /// tries the others in turn, so it reaches a live node after losing its own.
    public var nodes: [Node]
    /// The first node's host.
    public var host: String {
        get { nodes[0].host }
        set { nodes[0].host = newValue }
    }
    /// The first node's port.
    public var port: Int {
        get { nodes[0].port }
        set { nodes[0].port = newValue }
    }
    public var virtualHost: String
    public var user: String
    public var password: String
    public var tls: TLS?
    /// Between heartbeats, negotiated in whole seconds (zero disables them); the
    /// connection's own thread services them even when idle.
    public var heartbeat: Duration
    /// How long opening the socket may take, in whole seconds.
    public var connectTimeout: Duration
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
        tls: TLS? = nil, heartbeat: Duration = .seconds(30), connectTimeout: Duration = .seconds(10), connectionName: String = "reintegration"
    ) {
        self.nodes = [Node(host: host, port: port)]
        self.virtualHost = virtualHost
        self.user = user
        self.password = password
        self.tls = tls
        self.heartbeat = heartbeat
        self.connectTimeout = connectTimeout
        self.connectionName = connectionName
    }

    /// Parses `amqp://user:password@host:port/vhost` or `amqps://…` (the vhost and the
    /// credentials percent-decoded; an empty path is the default vhost `/`). Several nodes
    /// are several such URLs separated by commas, alike but for host and port. The query
    /// parameters `cacertfile`, `certfile` and `keyfile` (RabbitMQ's URI convention) set
    /// the TLS files of an `amqps://` URL; any other parameter is refused.
    public init(url: String, connectionName: String = "reintegration") throws {
        let parts = try Self.splitNodes(url).map(Self.parse)
        guard let first = parts.first else { throw AMQPError.configuration("the broker URL is empty") }
        for part in parts.dropFirst()
        where part.tls != first.tls || part.user != first.user || part.password != first.password || part.virtualHost != first.virtualHost {
            throw AMQPError.configuration("the broker URLs of one cluster must differ only in host and port")
        }
        self.init(
            host: first.node.host, port: first.node.port, virtualHost: first.virtualHost, user: first.user, password: first.password,
            tls: first.tls, connectionName: connectionName)
        nodes = parts.map(\.node)
    }

    private struct ParsedURL {
        var node: Node
        var virtualHost: String
        var user: String
        var password: String
        var tls: TLS?
    }

    /// Splits at the commas that start another `amqp://` or `amqps://` URL, so a comma
    /// inside a password does not split it.
    private static func splitNodes(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var index = text.startIndex
        while index < text.endIndex {
            let rest = text[index...].lowercased()
            if text[index] == ",", rest.hasPrefix(",amqp://") || rest.hasPrefix(",amqps://") {
                parts.append(current)
                current = ""
            } else {
                current.append(text[index])
            }
            index = text.index(after: index)
        }
        parts.append(current)
        return parts.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    private static func parse(_ url: String) throws -> ParsedURL {
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
        var tls: TLS? = scheme == "amqps" ? TLS() : nil
        for item in components.queryItems ?? [] {
            guard let value = item.value, !value.isEmpty else {
                throw AMQPError.configuration("the broker URL's parameter \(item.name) has no value")
            }
            guard tls != nil else {
                throw AMQPError.configuration("the broker URL's parameter \(item.name) needs amqps://")
            }
            switch item.name {
            case "cacertfile": tls?.caCertificatePath = value
            case "certfile": tls?.clientCertificatePath = value
            case "keyfile": tls?.clientKeyPath = value
            default: throw AMQPError.configuration("the broker URL's parameter \(item.name) is not supported")
            }
        }
        if (tls?.clientCertificatePath == nil) != (tls?.clientKeyPath == nil) {
            throw AMQPError.configuration("the broker URL needs both certfile and keyfile, or neither")
        }
        return ParsedURL(
            node: Node(host: host, port: components.port ?? (scheme == "amqps" ? 5671 : 5672)), virtualHost: virtualHost,
            user: user.removingPercentEncoding ?? user, password: password.removingPercentEncoding ?? password, tls: tls)
    }

    /// Why connecting would send the password and the messages over a network without
    /// verifying the broker, or nil: a node on another machine needs `amqps://` with a CA
    /// file (rabbitmq-c 0.11 reads no system authorities).
    public var transportSecurityProblem: String? {
        guard tls?.caCertificatePath == nil, let remote = nodes.first(where: { !$0.isLocal }) else { return nil }
        return "must be amqps:// with a CA file (AMQP_CA_FILE) for a broker on another machine (\(remote.host))"
    }

    public var description: String {
        "\(tls == nil ? "amqp" : "amqps")://\(user)@\(nodes.map(\.description).joined(separator: ","))/\(virtualHost)"
    }
}
