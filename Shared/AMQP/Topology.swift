/// Exchanges, queues and bindings, declared idempotently (after every reconnect too).
public struct Topology: Sendable, Hashable {
    public var exchanges: [ExchangeDeclaration]
    public var queues: [QueueDeclaration]
    public var bindings: [QueueBinding]

    public init(exchanges: [ExchangeDeclaration] = [], queues: [QueueDeclaration] = [], bindings: [QueueBinding] = []) {
        self.exchanges = exchanges
        self.queues = queues
        self.bindings = bindings
    }

    /// Both topologies, without repeating a declaration.
    public func merging(_ other: Topology) -> Topology {
        func unique<T: Hashable>(_ items: [T]) -> [T] {
            var seen = Set<T>()
            return items.filter { seen.insert($0).inserted }
        }
        return Topology(
            exchanges: unique(exchanges + other.exchanges),
            queues: unique(queues + other.queues),
            bindings: unique(bindings + other.bindings)
        )
    }
}

public struct ExchangeDeclaration: Sendable, Hashable {
    public enum Kind: String, Sendable {
        case direct, topic, fanout, headers
    }

    public var name: String
    public var kind: Kind
    public var durable: Bool

    public init(name: String, kind: Kind, durable: Bool = true) {
        self.name = name
        self.kind = kind
        self.durable = durable
    }
}

public struct QueueDeclaration: Sendable, Hashable {
    public var name: String
    public var durable: Bool
    public var exclusive: Bool
    public var autoDelete: Bool
    public var arguments: [String: AMQPFieldValue]

    public init(name: String, durable: Bool = true, exclusive: Bool = false, autoDelete: Bool = false, arguments: [String: AMQPFieldValue] = [:]) {
        self.name = name
        self.durable = durable
        self.exclusive = exclusive
        self.autoDelete = autoDelete
        self.arguments = arguments
    }

    /// A quorum queue. With `deadLetter`, a message redelivered more than
    /// `deliveryLimit` times is dead-lettered at least once (never dropped): the broker
    /// needs the at-least-once strategy and reject-publish overflow for that.
    public static func quorum(_ name: String, deadLetter: DeadLetterPolicy? = nil) -> QueueDeclaration {
        var arguments: [String: AMQPFieldValue] = ["x-queue-type": .string("quorum")]
        if let deadLetter {
            arguments["x-delivery-limit"] = .int(Int64(deadLetter.deliveryLimit))
            arguments["x-dead-letter-exchange"] = .string(deadLetter.exchange)
            arguments["x-dead-letter-routing-key"] = .string(deadLetter.routingKey)
            arguments["x-dead-letter-strategy"] = .string("at-least-once")
            arguments["x-overflow"] = .string("reject-publish")
        }
        return QueueDeclaration(name: name, arguments: arguments)
    }
}

/// Where a quorum queue's messages go once they exceed the redelivery limit.
public struct DeadLetterPolicy: Sendable, Hashable {
    public var exchange: String
    public var routingKey: String
    public var deliveryLimit: Int

    public init(exchange: String, routingKey: String, deliveryLimit: Int) {
        self.exchange = exchange
        self.routingKey = routingKey
        self.deliveryLimit = deliveryLimit
    }
}

public struct QueueBinding: Sendable, Hashable {
    public var queue: String
    public var exchange: String
    public var routingKey: String

    public init(queue: String, exchange: String, routingKey: String) {
        self.queue = queue
        self.exchange = exchange
        self.routingKey = routingKey
    }
}
