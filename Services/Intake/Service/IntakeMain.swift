import Foundation
import ServiceKit

/// The intake service: SMS readmission records and consent updates become cases.
@main
enum IntakeMain {
    static func main() async {
        // A failure was reported where it happened; its exit status says which kind.
        exit(await ClusterService.exitStatus(running: IntakeService.definition))
    }
}
