import AMQP
import Contract

extension Topology {
    /// The AMQP declarations of `topology`: durable exchanges, and quorum queues bounded
    /// by `limits` (overflow `reject-publish`).
    public init(_ topology: BrokerTopology, limits: QueueLimits) {
        self.init(
            exchanges: topology.exchanges.map { exchange in
                let kind = ExchangeDeclaration.Kind(exchange.kind)
                guard let alternate = exchange.alternate else { return ExchangeDeclaration(name: exchange.name, kind: kind) }
                return ExchangeDeclaration.withAlternate(exchange.name, kind: kind, alternate: alternate)
            },
            queues: topology.queues.map { queue in
                QueueDeclaration.quorum(queue.name, limits: limits, deadLetter: queue.deadLetter.map { deadLetter in
                    DeadLetterPolicy(exchange: deadLetter.exchange, routingKey: deadLetter.routingKey, deliveryLimit: deadLetter.deliveryLimit)
                })
            },
            bindings: topology.bindings.map { QueueBinding(queue: $0.queue, exchange: $0.exchange, routingKey: $0.routingKey) }
        )
    }
}

extension ExchangeDeclaration.Kind {
    init(_ kind: BrokerTopology.Exchange.Kind) {
        switch kind {
        case .direct: self = .direct
        case .topic: self = .topic
        case .fanout: self = .fanout
        }
    }
}
