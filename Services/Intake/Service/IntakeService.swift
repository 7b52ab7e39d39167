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
        topology: { settings in ClusterTopology.intake(deliveryLimit: settings.deliveryLimit) },
        consumers: { context in
            let districts = try DistrictSource.load(from: context.environment)
            let handler = IntakeHandler(
                parser: IntakeParser(districts: districts), store: CaseStore(schema: "intake"), outbox: context.outbox,
                logger: context.logger)
            return [ConsumerDefinition(queue: QueueName.intakeReadmissions, handler: handler)]
        }
    )
}
