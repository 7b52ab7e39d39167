import Contract
import ServiceKit

/// How the notification service is assembled.
enum NotificationService {
    static let definition = ClusterServiceDefinition(
        name: "notification",
        schema: "notification",
        defaultHTTPPort: 8084,
        migrations: NotificationMigrations.all,
        topology: { settings in ClusterTopology.notification(deliveryLimit: settings.deliveryLimit) },
        consumers: { context in
            [ConsumerDefinition(queue: QueueName.notificationRequests, handler: NotificationRequestHandler(schema: "notification", logger: context.logger))]
        }
    )
}
