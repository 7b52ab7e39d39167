import Contract
import Foundation
import ServiceKit

/// The deadline-escalation service: tracks every referral's deadlines and fires the
/// escalation ladder.
@main
enum EscalationMain {
    static func main() async {
        do {
            try await ClusterService.run(EscalationService.definition)
        } catch {
            // A refused configuration (e.g. a bad policy file) ends here: say why in one
            // line and exit non-zero instead of crashing with a backtrace.
            FileHandle.standardError.write(Data("escalation: stopped: \(error)\n".utf8))
            exit(1)
        }
    }
}
