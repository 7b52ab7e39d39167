import Contract
import ServiceKit

/// The deadline-escalation service: tracks every referral's deadlines.
@main
enum EscalationMain {
    static func main() async throws {
        try await ClusterService.run(EscalationService.definition)
    }
}
