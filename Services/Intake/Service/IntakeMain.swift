import Contract
import ServiceKit

/// The intake service: SMS readmission records and consent updates become cases.
@main
enum IntakeMain {
    static func main() async throws {
        try await ClusterService.run(IntakeService.definition)
    }
}
