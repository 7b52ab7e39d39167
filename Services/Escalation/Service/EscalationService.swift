import Contract
import EscalationDomain
import ServiceKit
import WorkingCalendar

/// How the deadline-escalation service is assembled. The ladder comes from
/// `ESCALATION_POLICY_FILE` and the public holidays from `WORKING_CALENDAR_FILE`, both
/// optional (the contract's defaults), both validated at start.
enum EscalationService {
    static let schema = "escalation"

    static func configuration(_ environment: EnvironmentReader) throws -> (EscalationPolicy, WorkingCalendar) {
        let policy = try ConfigurationFile.contents(of: "ESCALATION_POLICY_FILE", in: environment)
            .map { bytes in try EscalationPolicy.load(json: bytes) } ?? .default
        let calendar = try ConfigurationFile.contents(of: "WORKING_CALENDAR_FILE", in: environment)
            .map { bytes in try WorkingCalendar.load(holidaysJSON: bytes) } ?? WorkingCalendar()
        return (policy, calendar)
    }

    static let definition = ClusterServiceDefinition(
        name: "escalation",
        schema: schema,
        defaultHTTPPort: 8083,
        migrations: EscalationMigrations.all,
        configure: configuration,
        topology: { settings, _ in ClusterTopology.escalation(deliveryLimit: settings.deliveryLimit) },
        consumers: { context, configuration in
            let (policy, calendar) = configuration
            let handler = ReferralEventHandler(
                store: EscalationStore(schema: schema), policy: policy, calendar: calendar, logger: context.logger)
            return [ConsumerDefinition(queue: QueueName.escalationReferralEvents, handler: handler)]
        },
        additionalServices: { context, _ in
            [
                LadderTimer(
                    store: EscalationStore(schema: schema), outbox: context.outbox, pool: context.pool,
                    listenerConfiguration: context.databaseConfiguration, logger: context.logger),
            ]
        }
    )
}
