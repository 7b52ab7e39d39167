import Contract
import Curl
import Foundation
import NotificationDomain
import ServiceKit
import ServiceLifecycle

/// How the notification service is assembled.
enum NotificationService {
    static let definition = makeDefinition(schema: "notification")

    /// The service on `schema` (tests use a unique one).
    static func makeDefinition(schema: String) -> ClusterServiceDefinition<NotificationConfiguration> {
        ClusterServiceDefinition(
            name: "notification",
            schema: schema,
            defaultHTTPPort: 8084,
            // Up to NOTIFICATION_BATCH_SIZE sends each write before and after the hand-over.
            defaultDatabasePoolSize: 8,
            migrations: NotificationMigrations.all,
            configure: { environment in
                let settings = try NotificationSettings(
                    environment: environment, calendar: try ConfigurationFile.workingCalendar(in: environment))
                return NotificationConfiguration(
                    settings: settings, templates: try AlertTemplates.load(directory: settings.templatesDirectory))
            },
            topology: { settings, _ in ClusterTopology.notification(deliveryLimit: settings.deliveryLimit) },
            consumers: { context, configuration in
                let settings = configuration.settings
                let handler = NotificationRequestHandler(schema: schema, workingHours: settings.workingHours, logger: context.logger)
                return [ConsumerDefinition(queue: QueueName.notificationRequests, handler: handler)]
            },
            additionalServices: { context, configuration in
                [makeWorker(schema: schema, settings: configuration.settings, templates: configuration.templates, context: context)]
            },
            readinessDetails: { context, configuration in
                let circuits = CircuitStore(schema: schema)
                let pool = context.pool
                let relay = CircuitName.relay(configuration.settings.smtp)
                // Open circuits do not make the service unready: it holds their alerts.
                return [ReadinessDetail(name: "openCircuits") {
                    try? await pool.withConnection { connection in try circuits.open(relay: relay, on: connection).shared }
                }]
            }
        )
    }

    static func makeWorker(
        schema: String, settings: NotificationSettings, templates: AlertTemplates, context: ClusterServiceContext
    ) -> DeliveryWorker {
        DeliveryWorker(
            store: DeliveryStore(schema: schema), outbox: context.outbox, pool: context.pool, templates: templates,
            sender: AlertSender(smtp: settings.smtp, poster: WebhookPoster(caFile: settings.webhookCAFile), threads: settings.batchSize),
            settings: DeliveryWorker.Settings(
                retry: settings.retry, circuit: settings.circuit, pollInterval: settings.pollInterval,
                batchSize: settings.batchSize, lease: settings.lease),
            logger: context.logger)
    }
}
