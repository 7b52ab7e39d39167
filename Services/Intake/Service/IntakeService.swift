import AMQP
import Contract
import IntakeDomain
import ServiceKit

/// How the intake service is assembled.
enum IntakeService {
    static let definition = ClusterServiceDefinition(
        name: "intake",
        schema: "intake",
        defaultHTTPPort: 8081,
        migrations: IntakeMigrations.all,
        configure: ConfigurationFile.districtCatalog(in:),
        topology: { settings, _ in ClusterTopology.intake(limits: settings.queueLimits, deliveryLimit: settings.deliveryLimit) },
        consumers: { context, districts in
            let handler = IntakeHandler(
                parser: IntakeParser(districts: districts), store: CaseStore(schema: "intake"), outbox: context.outbox,
                logger: context.logger)
            return [ConsumerDefinition(queue: QueueName.intakeReadmissions, handler: handler)]
        }
    )
}
