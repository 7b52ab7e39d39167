import AMQP

/// The cluster's broker topology as code: each service declares the slice it uses,
/// idempotently, at every (re)connect. Every queue is a bounded quorum queue
/// (`QueueLimits`, overflow `reject-publish`).
public enum ClusterTopology {
    /// Redeliveries a consumed message gets before it is dead-lettered.
    public static let defaultDeliveryLimit = 10

    static let intakeExchange = ExchangeDeclaration(name: ExchangeName.intake, kind: .topic)
    static let referralsExchange = ExchangeDeclaration(name: ExchangeName.referrals, kind: .topic)
    static let agencyUpdatesExchange = ExchangeDeclaration(name: ExchangeName.agencyUpdates, kind: .topic)
    static let clusterEventsExchange = ExchangeDeclaration(name: ExchangeName.clusterEvents, kind: .topic)
    static let deadLettersExchange = ExchangeDeclaration(name: ExchangeName.deadLetters, kind: .topic)
    static let referralRefusalsExchange = ExchangeDeclaration(name: ExchangeName.referralRefusals, kind: .direct)
    /// Refusals by sender; what no sender's queue takes goes to the unattributed queue.
    public static let intakeRejectedExchange = ExchangeDeclaration.withAlternate(
        ExchangeName.intakeRejected, kind: .direct, alternate: ExchangeName.intakeRejectedUnrouted)
    static let intakeRejectedUnroutedExchange = ExchangeDeclaration(name: ExchangeName.intakeRejectedUnrouted, kind: .fanout)

    /// A consumed quorum queue with its dead-letter queue, bound where it listens.
    public static func consumedQueue(
        _ name: String, bindings: [(exchange: String, routingKey: String)], limits: QueueLimits,
        deliveryLimit: Int = defaultDeliveryLimit
    ) -> Topology {
        let deadLetterName = QueueName.deadLetter(of: name)
        let policy = DeadLetterPolicy(exchange: ExchangeName.deadLetters, routingKey: name, deliveryLimit: deliveryLimit)
        return Topology(
            exchanges: [deadLettersExchange],
            queues: [.quorum(name, limits: limits, deadLetter: policy), .quorum(deadLetterName, limits: limits)],
            bindings: bindings.map { QueueBinding(queue: name, exchange: $0.exchange, routingKey: $0.routingKey) }
                + [QueueBinding(queue: deadLetterName, exchange: ExchangeName.deadLetters, routingKey: name)]
        )
    }

    /// One SMS system's rejected queue, bound under its account name; created with the
    /// account (`reintegrationctl accounts create sms`, `deploy/local/provision`).
    public static func smsRejectedQueue(account: String, limits: QueueLimits) -> Topology {
        let queue = QueueName.intakeRejected(account: account)
        return Topology(
            exchanges: [intakeRejectedUnroutedExchange, intakeRejectedExchange],
            queues: [.quorum(queue, limits: limits)],
            bindings: [QueueBinding(queue: queue, exchange: ExchangeName.intakeRejected, routingKey: account)])
    }

    /// What the intake service declares.
    public static func intake(limits: QueueLimits, deliveryLimit: Int = defaultDeliveryLimit) -> Topology {
        let unattributed = QueueName.intakeRejectedUnattributed
        return Topology(
            exchanges: [intakeExchange, clusterEventsExchange, intakeRejectedUnroutedExchange, intakeRejectedExchange],
            queues: [.quorum(unattributed, limits: limits)],
            bindings: [
                QueueBinding(queue: unattributed, exchange: ExchangeName.intakeRejected, routingKey: RejectionRoutingKey.unattributed),
                QueueBinding(queue: unattributed, exchange: ExchangeName.intakeRejectedUnrouted, routingKey: ""),
            ]
        ).merging(consumedQueue(
            QueueName.intakeReadmissions,
            bindings: [(ExchangeName.intake, MessageType.readmission), (ExchangeName.intake, MessageType.consent)],
            limits: limits, deliveryLimit: deliveryLimit
        )).merging(consumedQueue(
            QueueName.intakeReplies,
            bindings: [(ExchangeName.clusterEvents, EventRoutingKey.replies)],
            limits: limits, deliveryLimit: deliveryLimit
        ))
    }

    /// What the referral service declares; `agencies` are the configured agency codes.
    public static func referral(agencies: [String], limits: QueueLimits, deliveryLimit: Int = defaultDeliveryLimit) -> Topology {
        var topology = Topology(
            exchanges: [referralsExchange, agencyUpdatesExchange, clusterEventsExchange, referralRefusalsExchange],
            queues: [.quorum(QueueName.agencyUpdatesRejected, limits: limits)],
            bindings: [QueueBinding(
                queue: QueueName.agencyUpdatesRejected, exchange: ExchangeName.referralRefusals, routingKey: QueueName.agencyUpdatesRejected)]
        )
        topology = topology.merging(consumedQueue(
            QueueName.referralCaseEvents,
            bindings: [(ExchangeName.clusterEvents, "case.#")],
            limits: limits, deliveryLimit: deliveryLimit
        ))
        topology = topology.merging(consumedQueue(
            QueueName.referralStatusUpdates,
            bindings: [(ExchangeName.agencyUpdates, "#")],
            limits: limits, deliveryLimit: deliveryLimit
        ))
        for agency in agencies {
            topology = topology.merging(consumedQueue(
                QueueName.referrals(agency: agency),
                bindings: [(ExchangeName.referrals, agency)],
                limits: limits, deliveryLimit: deliveryLimit
            ))
        }
        return topology
    }

    /// What the deadline-escalation service declares.
    public static func escalation(limits: QueueLimits, deliveryLimit: Int = defaultDeliveryLimit) -> Topology {
        Topology(exchanges: [clusterEventsExchange]).merging(consumedQueue(
            QueueName.escalationReferralEvents,
            bindings: [(ExchangeName.clusterEvents, "referral.#")],
            limits: limits, deliveryLimit: deliveryLimit
        ))
    }

    /// What the notification service declares.
    public static func notification(limits: QueueLimits, deliveryLimit: Int = defaultDeliveryLimit) -> Topology {
        Topology(exchanges: [clusterEventsExchange]).merging(consumedQueue(
            QueueName.notificationRequests,
            bindings: [(ExchangeName.clusterEvents, "notification.#")],
            limits: limits, deliveryLimit: deliveryLimit
        ))
    }
}
