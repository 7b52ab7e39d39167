import Foundation
import ServiceKit

/// The notification service: delivers reminders and alerts to people.
@main
enum NotificationMain {
    static func main() async {
        // A failure was reported where it happened; its exit status says which kind.
        exit(await ClusterService.exitStatus(running: NotificationService.definition))
    }
}
