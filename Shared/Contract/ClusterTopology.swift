import AMQP

/// The cluster's broker topology as code: each service declares the slice it uses,
/// idempotently, at every (re)connect.
public enum ClusterTopology {
    /// Redeliveries a consumed message gets before it is dead-lettered.
    public static let defaultDeliveryLimit = 10

    static let intakeExchange = ExchangeDeclaration(name: ExchangeName.intake, kind: .topic)
    static let referralsExchange = ExchangeDeclaration(name: ExchangeName.referrals, kind: .topic)
    static let agencyUpdatesExchange = ExchangeDeclaration(name: ExchangeName.agencyUpdates, kind: .topic)
    static let clusterEventsExchange = ExchangeDeclaration(name: ExchangeName.clusterEvents, kind: .topic)
    static let deadLettersExchange = ExchangeDeclaration(name: ExchangeName.deadLetters, kind: .topic)

    /// A consumed quorum queue with its dead-letter queue, bound where it listens.
    public static func consumedQueue(
        _ name: String, bindings: [(exchange: String, routingKey: String)], deliveryLimit: Int = defaultDeliveryLimit
    ) -> Topology {
        let deadLetterName = QueueName.deadLetter(of: name)
        let policy = DeadLetterPolicy(exchange: ExchangeName.deadLetters, routingKey: name, deliveryLimit: deliveryLimit)
        return Topology(
            exchanges: [deadLettersExchange],
            queues: [.quorum(name, deadLetter: policy), .quorum(deadLetterName)],
            bindings: bindings.map { QueueBinding(queue: name, exchange: $0.exchange, routingKey: $0.routingKey) }
                + [QueueBinding(queue: deadLetterName, exchange: ExchangeName.deadLetters, routingKey: name)]
        )
    }

    /// What the intake service declares.
    public static func intake(deliveryLimit: Int = defaultDeliveryLimit) -> Topology {
        Topology(
            exchanges: [intakeExchange, clusterEventsExchange],
            queues: [.quorum(QueueName.intakeRejected)]
        ).merging(consumedQueue(
            QueueName.intakeReadmissions,
            bindings: [(ExchangeName.intake, MessageType.readmission), (ExchangeName.intake, MessageType.consent)],
            deliveryLimit: deliveryLimit
        ))
    }

    /// What the referral service declares; `agencies` are the configured agency codes.
    public static func referral(agencies: [String], deliveryLimit: Int = defaultDeliveryLimit) -> Topology {
        var topology = Topology(
            exchanges: [referralsExchange, agencyUpdatesExchange, clusterEventsExchange],
            queues: [.quorum(QueueName.agencyUpdatesRejected)]
        )
        topology = topology.merging(consumedQueue(
            QueueName.referralCaseEvents,
            bindings: [(ExchangeName.clusterEvents, "case.#")],
            deliveryLimit: deliveryLimit
        ))
        topology = topology.merging(consumedQueue(
            QueueName.referralStatusUpdates,
            bindings: [(ExchangeName.agencyUpdates, "#")],
            deliveryLimit: deliveryLimit
        ))
        for agency in agencies {
            topology = topology.merging(consumedQueue(
                QueueName.referrals(agency: agency),
                bindings: [(ExchangeName.referrals, agency)],
                deliveryLimit: deliveryLimit
            ))
        }
        return topology
    }

    /// What the deadline-escalation service declares.
    public static func escalation(deliveryLimit: Int = defaultDeliveryLimit) -> Topology {
        Topology(exchanges: [clusterEventsExchange]).merging(consumedQueue(
            QueueName.escalationReferralEvents,
            bindings: [(ExchangeName.clusterEvents, "referral.#")],
            deliveryLimit: deliveryLimit
        ))
    }

    /// What the notification service declares.
    public static func notification(deliveryLimit: Int = defaultDeliveryLimit) -> Topology {
        Topology(exchanges: [clusterEventsExchange]).merging(consumedQueue(
            QueueName.notificationRequests,
            bindings: [(ExchangeName.clusterEvents, "notification.#")],
            deliveryLimit: deliveryLimit
        ))
    }
}
