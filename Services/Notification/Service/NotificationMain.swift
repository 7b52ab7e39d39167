import Contract
import ServiceKit

/// The notification service: delivers reminders and alerts to people.
@main
enum NotificationMain {
    static func main() async throws {
        try await ClusterService.run(NotificationService.definition)
    }
}
