import Contract
import ServiceKit

/// The referral service: routes cases to the competent bodies and follows their answers.
@main
enum ReferralMain {
    static func main() async throws {
        try await ClusterService.run(ReferralService.definition)
    }
}
