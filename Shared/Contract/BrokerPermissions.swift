/// One account's permissions on a vhost: anchored regexes over exchange and queue names,
/// as RabbitMQ checks them (configure: declare/delete; write: publish, bind a queue;
/// read: consume, bind from an exchange), plus topic permissions on routing keys.
public struct BrokerPermissions: Sendable, Equatable {
    /// Routing keys an account may publish (`write`) or bind (`read`) on one topic exchange.
    public struct TopicPermission: Sendable, Equatable {
        public var exchange: String
        public var write: String
        public var read: String

        public init(exchange: String, write: String, read: String) {
            self.exchange = exchange
            self.write = write
            self.read = read
        }
    }

    public var configure: String
    public var write: String
    public var read: String
    public var topics: [TopicPermission]

    public init(configure: String, write: String, read: String, topics: [TopicPermission] = []) {
        self.configure = configure
        self.write = write
        self.read = read
        self.topics = topics
    }

    /// Nothing: the regex that matches no name.
    public static let nothing = "^$"

    /// A name as a regex that matches exactly it (agency codes contain dots).
    public static func literal(_ name: String) -> String {
        var escaped = ""
        for character in name {
            if "\\^$.|?*+()[]{}".contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
