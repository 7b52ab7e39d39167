import Foundation
import ServiceKit

/// The deadline-escalation service: tracks every referral's deadlines and fires the
/// escalation ladder.
@main
enum EscalationMain {
    static func main() async {
        // A failure was reported where it happened; its exit status says which kind.
        exit(await ClusterService.exitStatus(running: EscalationService.definition))
    }
}
