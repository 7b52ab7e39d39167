/// The cluster's broker topology as plain values: each service declares the slice it
/// uses, idempotently, at every (re)connect. Every queue is a quorum queue; the services
/// bound them (`QueueLimits`, overflow `reject-publish`) when they declare them.
public enum ClusterTopology {
    /// Redeliveries a consumed message gets before it is dead-lettered.
    public static let defaultDeliveryLimit = 10

    static let intakeExchange = BrokerTopology.Exchange(name: ExchangeName.intake, kind: .topic)
    static let referralsExchange = BrokerTopology.Exchange(name: ExchangeName.referrals, kind: .topic)
    static let agencyUpdatesExchange = BrokerTopology.Exchange(name: ExchangeName.agencyUpdates, kind: .topic)
    static let clusterEventsExchange = BrokerTopology.Exchange(name: ExchangeName.clusterEvents, kind: .topic)
    static let deadLettersExchange = BrokerTopology.Exchange(name: ExchangeName.deadLetters, kind: .topic)
    static let referralRefusalsExchange = BrokerTopology.Exchange(name: ExchangeName.referralRefusals, kind: .direct)
    /// Refusals by sender; what no sender's queue takes goes to the unattributed queue.
    public static let intakeRejectedExchange = BrokerTopology.Exchange(
        name: ExchangeName.intakeRejected, kind: .direct, alternate: ExchangeName.intakeRejectedUnrouted)
    static let intakeRejectedUnroutedExchange = BrokerTopology.Exchange(name: ExchangeName.intakeRejectedUnrouted, kind: .fanout)

    /// A consumed quorum queue with its dead-letter queue, bound where it listens.
    public static func consumedQueue(
        _ name: String, bindings: [(exchange: String, routingKey: String)], deliveryLimit: Int = defaultDeliveryLimit
    ) -> BrokerTopology {
        let deadLetterName = QueueName.deadLetter(of: name)
        let deadLetter = BrokerTopology.DeadLetter(exchange: ExchangeName.deadLetters, routingKey: name, deliveryLimit: deliveryLimit)
        return BrokerTopology(
            exchanges: [deadLettersExchange],
            queues: [BrokerTopology.Queue(name: name, deadLetter: deadLetter), BrokerTopology.Queue(name: deadLetterName)],
            bindings: bindings.map { BrokerTopology.Binding(queue: name, exchange: $0.exchange, routingKey: $0.routingKey) }
                + [BrokerTopology.Binding(queue: deadLetterName, exchange: ExchangeName.deadLetters, routingKey: name)]
        )
    }

    /// One SMS system's rejected queue, bound under its account name; created with the
    /// account (`reintegrationctl accounts create sms`, `deploy/local/provision`).
    public static func smsRejectedQueue(account: String) -> BrokerTopology {
        let queue = QueueName.intakeRejected(account: account)
        return BrokerTopology(
            exchanges: [intakeRejectedUnroutedExchange, intakeRejectedExchange],
            queues: [BrokerTopology.Queue(name: queue)],
            bindings: [BrokerTopology.Binding(queue: queue, exchange: ExchangeName.intakeRejected, routingKey: account)])
    }

    /// What the intake service declares.
    public static func intake(deliveryLimit: Int = defaultDeliveryLimit) -> BrokerTopology {
        let unattributed = QueueName.intakeRejectedUnattributed
        return BrokerTopology(
            exchanges: [intakeExchange, clusterEventsExchange, intakeRejectedUnroutedExchange, intakeRejectedExchange],
            queues: [BrokerTopology.Queue(name: unattributed)],
            bindings: [
                BrokerTopology.Binding(queue: unattributed, exchange: ExchangeName.intakeRejected, routingKey: RejectionRoutingKey.unattributed),
                BrokerTopology.Binding(queue: unattributed, exchange: ExchangeName.intakeRejectedUnrouted, routingKey: ""),
            ]
        ).merging(consumedQueue(
            QueueName.intakeReadmissions,
            bindings: [(ExchangeName.intake, MessageType.readmission), (ExchangeName.intake, MessageType.consent)],
            deliveryLimit: deliveryLimit
        )).merging(consumedQueue(
            QueueName.intakeReplies,
            bindings: [(ExchangeName.clusterEvents, EventRoutingKey.replies)],
            deliveryLimit: deliveryLimit
        ))
    }

    /// What the referral service declares; `agencies` are the configured agency codes.
    public static func referral(agencies: [String], deliveryLimit: Int = defaultDeliveryLimit) -> BrokerTopology {
        var topology = BrokerTopology(
            exchanges: [referralsExchange, agencyUpdatesExchange, clusterEventsExchange, referralRefusalsExchange],
            queues: [BrokerTopology.Queue(name: QueueName.agencyUpdatesRejected)],
            bindings: [BrokerTopology.Binding(
                queue: QueueName.agencyUpdatesRejected, exchange: ExchangeName.referralRefusals, routingKey: QueueName.agencyUpdatesRejected)]
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
    public static func escalation(deliveryLimit: Int = defaultDeliveryLimit) -> BrokerTopology {
        BrokerTopology(exchanges: [clusterEventsExchange]).merging(consumedQueue(
            QueueName.escalationReferralEvents,
            bindings: [(ExchangeName.clusterEvents, "referral.#")],
            deliveryLimit: deliveryLimit
        ))
    }

    /// What the notification service declares.
    public static func notification(deliveryLimit: Int = defaultDeliveryLimit) -> BrokerTopology {
        BrokerTopology(exchanges: [clusterEventsExchange]).merging(consumedQueue(
            QueueName.notificationRequests,
            bindings: [(ExchangeName.clusterEvents, "notification.#")],
            deliveryLimit: deliveryLimit
        ))
    }
}
