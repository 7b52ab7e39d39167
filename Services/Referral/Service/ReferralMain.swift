import Foundation
import ServiceKit

/// The referral service: routes cases to the competent bodies and follows their answers.
@main
enum ReferralMain {
    static func main() async {
        // A failure was reported where it happened; its exit status says which kind.
        exit(await ClusterService.exitStatus(running: ReferralService.definition))
    }
}
