import Contract
import ServiceKit

/// How the deadline-escalation service is assembled.
enum EscalationService {
    static let definition = ClusterServiceDefinition(
        name: "escalation",
        schema: "escalation",
        defaultHTTPPort: 8083,
        migrations: EscalationMigrations.all,
        topology: { settings in ClusterTopology.escalation(deliveryLimit: settings.deliveryLimit) },
        consumers: { context in
            [ConsumerDefinition(queue: QueueName.escalationReferralEvents, handler: ReferralEventHandler(schema: "escalation", logger: context.logger))]
        }
    )
}
