/// Exchanges, queues and bindings as plain values: what a part of the cluster declares on
/// the broker, independent of any AMQP client. Messaging turns it into the client's
/// declarations (`Topology(_:limits:)`), bounding every queue.
public struct BrokerTopology: Sendable, Hashable {
    public struct Exchange: Sendable, Hashable {
        public enum Kind: String, Sendable, Hashable {
            case direct, topic, fanout
        }

        public var name: String
        public var kind: Kind
        /// Where the exchange sends what it cannot route, instead of dropping it.
        public var alternate: String?

        public init(name: String, kind: Kind, alternate: String? = nil) {
            self.name = name
            self.kind = kind
            self.alternate = alternate
        }
    }

    /// A durable quorum queue.
    public struct Queue: Sendable, Hashable {
        public var name: String
        /// Where a message goes once it has been redelivered too often; without it the
        /// queue keeps its messages however often they are read.
        public var deadLetter: DeadLetter?

        public init(name: String, deadLetter: DeadLetter? = nil) {
            self.name = name
            self.deadLetter = deadLetter
        }
    }

    /// Where a queue's messages go once they exceed `deliveryLimit` redeliveries.
    public struct DeadLetter: Sendable, Hashable {
        public var exchange: String
        public var routingKey: String
        public var deliveryLimit: Int

        public init(exchange: String, routingKey: String, deliveryLimit: Int) {
            self.exchange = exchange
            self.routingKey = routingKey
            self.deliveryLimit = deliveryLimit
        }
    }

    public struct Binding: Sendable, Hashable {
        public var queue: String
        public var exchange: String
        public var routingKey: String

        public init(queue: String, exchange: String, routingKey: String) {
            self.queue = queue
            self.exchange = exchange
            self.routingKey = routingKey
        }
    }

    public var exchanges: [Exchange]
    public var queues: [Queue]
    public var bindings: [Binding]

    public init(exchanges: [Exchange] = [], queues: [Queue] = [], bindings: [Binding] = []) {
        self.exchanges = exchanges
        self.queues = queues
        self.bindings = bindings
    }

    /// Both topologies, without repeating a declaration.
    public func merging(_ other: BrokerTopology) -> BrokerTopology {
        func unique<T: Hashable>(_ items: [T]) -> [T] {
            var seen = Set<T>()
            return items.filter { seen.insert($0).inserted }
        }
        return BrokerTopology(
            exchanges: unique(exchanges + other.exchanges),
            queues: unique(queues + other.queues),
            bindings: unique(bindings + other.bindings)
        )
    }
}
