import AMQP
import Contract
import Messaging
import Testing

/// How the contract's plain topology becomes the broker declarations a service makes.
@Suite("Cluster topology as AMQP declarations")
struct BrokerTopologyDeclarationTests {
    let limits = QueueLimits(maxLength: 5, maxBytes: 1_048_576)

    @Test func aConsumedQueueIsABoundedQuorumQueueWithItsDeadLetterQueue() {
        let topology = Topology(ClusterTopology.escalation(deliveryLimit: 7), limits: limits)
        let queue = QueueName.escalationReferralEvents
        let consumed = topology.queues.first { $0.name == queue }
        #expect(consumed?.arguments["x-queue-type"] == .string("quorum"))
        #expect(consumed?.arguments["x-delivery-limit"] == .int(7))
        #expect(consumed?.arguments["x-dead-letter-exchange"] == .string(ExchangeName.deadLetters))
        #expect(consumed?.arguments["x-dead-letter-routing-key"] == .string(queue))
        #expect(consumed?.arguments["x-max-length"] == .int(5))
        #expect(consumed?.arguments["x-overflow"] == .string("reject-publish"))
        let deadLetter = topology.queues.first { $0.name == QueueName.deadLetter(of: queue) }
        #expect(deadLetter?.arguments["x-delivery-limit"] == .int(Int64(QueueDeclaration.keptDeliveryLimit)))
        #expect(deadLetter?.arguments["x-max-length-bytes"] == .int(1_048_576))
        #expect(topology.bindings.contains(
            QueueBinding(queue: QueueName.deadLetter(of: queue), exchange: ExchangeName.deadLetters, routingKey: queue)))
    }

    @Test func theRefusalsExchangeKeepsItsAlternateAndMergingRepeatsNothing() {
        let topology = Topology(
            ClusterTopology.intake().merging(ClusterTopology.smsRejectedQueue(account: "sms-one")), limits: .standard)
        let rejected = topology.exchanges.filter { $0.name == ExchangeName.intakeRejected }
        #expect(rejected == [.withAlternate(ExchangeName.intakeRejected, kind: .direct, alternate: ExchangeName.intakeRejectedUnrouted)])
        #expect(Set(topology.exchanges).count == topology.exchanges.count)
        #expect(topology.queues.contains { $0.name == QueueName.intakeRejected(account: "sms-one") })
    }
}
