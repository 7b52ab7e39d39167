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
}

public struct ExchangeDeclaration: Sendable, Hashable {
    public enum Kind: String, Sendable {
        case direct, topic, fanout, headers
    }

    public var name: String
    public var kind: Kind
    public var durable: Bool
    public var arguments: [String: AMQPFieldValue]

    public init(name: String, kind: Kind, durable: Bool = true, arguments: [String: AMQPFieldValue] = [:]) {
        self.name = name
        self.kind = kind
        self.durable = durable
        self.arguments = arguments
    }

    /// An exchange whose unroutable messages go to `alternate` instead of being dropped.
    public static func withAlternate(_ name: String, kind: Kind, alternate: String) -> ExchangeDeclaration {
        ExchangeDeclaration(name: name, kind: kind, arguments: ["alternate-exchange": .string(alternate)])
    }
}

/// How much one queue may hold. When it is full the broker refuses new messages
/// (`reject-publish`: a publisher with confirms gets a nack and keeps the message), so a
/// consumer that never reads fills only its own queue.
public struct QueueLimits: Sendable, Hashable {
    public var maxLength: Int
    public var maxBytes: Int

    public init(maxLength: Int, maxBytes: Int) {
        self.maxLength = maxLength
        self.maxBytes = maxBytes
    }

    /// About thirty times a month of the expected load (a few thousand records and their
    /// referrals, events and alerts), and at most 1 GiB of bodies.
    public static let standard = QueueLimits(maxLength: 100_000, maxBytes: 1 << 30)

    var arguments: [String: AMQPFieldValue] {
        ["x-max-length": .int(Int64(maxLength)), "x-max-length-bytes": .int(Int64(maxBytes)), "x-overflow": .string("reject-publish")]
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

    /// Deliveries after which a queue without a dead-letter exchange would drop a message:
    /// set so high that reading a kept queue (rejected, dead letters) never drops one.
    /// Explicit, because RabbitMQ 4 gives quorum queues a default limit of 20.
    public static let keptDeliveryLimit = 1_000_000_000

    /// A quorum queue, bounded by `limits`. With `deadLetter`, a message redelivered more
    /// than `deliveryLimit` times is dead-lettered at least once (never dropped): the broker
    /// needs the at-least-once strategy and reject-publish overflow for that. Without it, the
    /// queue keeps its messages however often they are read.
    public static func quorum(_ name: String, limits: QueueLimits = .standard, deadLetter: DeadLetterPolicy? = nil) -> QueueDeclaration {
        var arguments: [String: AMQPFieldValue] = ["x-queue-type": .string("quorum")]
        arguments.merge(limits.arguments) { _, new in new }
        if let deadLetter {
            arguments["x-delivery-limit"] = .int(Int64(deadLetter.deliveryLimit))
            arguments["x-dead-letter-exchange"] = .string(deadLetter.exchange)
            arguments["x-dead-letter-routing-key"] = .string(deadLetter.routingKey)
            arguments["x-dead-letter-strategy"] = .string("at-least-once")
        } else {
            arguments["x-delivery-limit"] = .int(Int64(keptDeliveryLimit))
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
