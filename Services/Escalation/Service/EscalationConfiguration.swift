import EscalationDomain
import ServiceKit
import WorkingCalendar

/// What the escalation service reads at start, validated before anything connects.
struct EscalationConfiguration: Sendable {
    /// The ladder (`ESCALATION_POLICY_FILE`, else the contract's default).
    var policy: EscalationPolicy
    /// Public holidays (`WORKING_CALENDAR_FILE`, else the built-in Baku calendar).
    var calendar: WorkingCalendar
    /// Firing batch size and parallel rounds (`ESCALATION_FIRING_BATCH`, `ESCALATION_FIRING_WORKERS`).
    var timer: LadderTimer.Settings

    init(_ environment: EnvironmentReader) throws {
        policy = try ConfigurationFile.contents(of: "ESCALATION_POLICY_FILE", in: environment)
            .map { bytes in try EscalationPolicy.load(json: bytes) } ?? .default
        calendar = try ConfigurationFile.workingCalendar(in: environment)
        timer = LadderTimer.Settings()
        timer.batchSize = try environment.int("ESCALATION_FIRING_BATCH", default: timer.batchSize, range: 1...5_000)
        timer.workers = try environment.int("ESCALATION_FIRING_WORKERS", default: timer.workers, range: 1...16)
    }
}
