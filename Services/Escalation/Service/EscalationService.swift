import Contract
import EscalationDomain
import ServiceKit
import WorkingCalendar

/// How the deadline-escalation service is assembled, from an `EscalationConfiguration`
/// read and validated at start.
enum EscalationService {
    static let schema = "escalation"

    static let definition = ClusterServiceDefinition(
        name: "escalation",
        schema: schema,
        defaultHTTPPort: 8083,
        migrations: EscalationMigrations.all,
        configure: EscalationConfiguration.init,
        topology: { settings, _ in ClusterTopology.escalation(deliveryLimit: settings.deliveryLimit) },
        consumers: { context, configuration in
            let handler = ReferralEventHandler(
                store: EscalationStore(schema: schema), policy: configuration.policy, calendar: configuration.calendar,
                logger: context.logger)
            return [ConsumerDefinition(queue: QueueName.escalationReferralEvents, handler: handler)]
        },
        additionalServices: { context, configuration in
            [
                LadderTimer(
                    store: EscalationStore(schema: schema), outbox: context.outbox, pool: context.pool,
                    listenerConfiguration: context.databaseConfiguration, logger: context.logger,
                    settings: configuration.timer),
            ]
        }
    )
}
