import AMQP
import Contract
import IntakeDomain
import ServiceKit

/// How the intake service is assembled: the readmissions consumer, and the forwarder of
/// the replies other services ask intake to deliver (`ReplyForwarder`).
enum IntakeService {
    static let definition = ClusterServiceDefinition(
        name: "intake",
        schema: "intake",
        defaultHTTPPort: 8081,
        migrations: IntakeMigrations.all,
        configure: ConfigurationFile.districtCatalog(in:),
        topology: { settings, _ in ClusterTopology.intake(deliveryLimit: settings.deliveryLimit) },
        consumers: { context, districts in
            let handler = IntakeHandler(
                parser: IntakeParser(districts: districts), store: CaseStore(schema: "intake"), outbox: context.outbox,
                logger: context.logger)
            return [ConsumerDefinition(queue: QueueName.intakeReadmissions, handler: handler)]
        },
        additionalServices: { context, _ in
            // Its own connection, as the consumers have: acknowledgements go on while the
            // broker blocks the publishing connection.
            let consumerClient = AMQPClient(
                configuration: context.settings.amqpConfiguration(connectionName: "intake-replies"), topology: context.publisher.topology,
                logger: context.logger)
            return [ReplyForwarder(
                consumerClient: consumerClient, publisher: context.publisher, logger: context.logger,
                prefetch: UInt16(clamping: context.settings.amqpPrefetch))]
        }
    )
}
