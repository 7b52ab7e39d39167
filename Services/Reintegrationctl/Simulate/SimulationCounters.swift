import Synchronization

/// What the simulator has done and seen so far, shared by its SMS and agency tasks.
final class SimulationCounters: Sendable {
    struct Counts: Sendable {
        var recordsSent = 0
        var invalidSent = 0
        var accepted = 0
        var duplicates = 0
        var rejected = 0
        var referralsReceived = 0
        var acknowledged = 0
        var completed = 0
        var declined = 0
        var extensionsRequested = 0
        var leftUnanswered = 0
        var publishFailures = 0
    }

    private let counts = Mutex(Counts())

    func update(_ change: (inout Counts) -> Void) {
        counts.withLock { change(&$0) }
    }

    var snapshot: Counts { counts.withLock { $0 } }
}

extension SimulationCounters.Counts {
    /// One progress line: no personal data, only counts.
    var line: String {
        "records \(recordsSent) (\(invalidSent) invalid)"
            // The drill's SMS system asks for no outcome replies.
            + (accepted + rejected + duplicates > 0 ? " · outcomes: \(accepted) accepted, \(rejected) refused" : "")
            + (duplicates > 0 ? ", \(duplicates) duplicate" : "")
            + " · referrals \(referralsReceived): \(acknowledged) acknowledged, \(completed) completed, \(declined) declined"
            + (extensionsRequested > 0 ? ", \(extensionsRequested) more time asked" : "")
            + (publishFailures > 0 ? " · \(publishFailures) publish failures" : "")
    }
}
