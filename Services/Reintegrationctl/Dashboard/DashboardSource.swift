import Foundation
import Postgres
import ReferralOperations
import WorkingCalendar

/// Reads the summary through the referral service's read views, one snapshot per read,
/// and shares a read younger than a second between viewers so many open pages cost the
/// database no more than one.
actor DashboardSource {
    private let pool: PostgresPool
    private let windowDays: Int
    private let calendar: WorkingCalendar
    private var latest: (summary: DashboardSummary, readAt: ContinuousClock.Instant)?
    private var reading: Task<DashboardSummary, any Error>?

    init(pool: PostgresPool, windowDays: Int, calendar: WorkingCalendar) {
        self.pool = pool
        self.windowDays = windowDays
        self.calendar = calendar
    }

    func summary() async throws -> DashboardSummary {
        if let latest, ContinuousClock.now - latest.readAt < .seconds(1) { return latest.summary }
        if let reading { return try await reading.value }
        let task = Task { try await read() }
        reading = task
        defer { reading = nil }
        let summary = try await task.value
        latest = (summary, ContinuousClock.now)
        return summary
    }

    private func read() async throws -> DashboardSummary {
        let windowDays = windowDays, calendar = calendar
        return try await OperatorDatabaseOptions.readSnapshot(on: pool) { connection in
            // now() is the transaction's start, so every part is counted at the snapshot's moment.
            let asOf: Date = try connection.query("SELECT now() AS now")[0]["now"].decode()
            let since = asOf.addingTimeInterval(-Double(windowDays) * 86_400)
            let views = ReferralReadViews()
            return DashboardSummary(
                open: try views.open(agency: nil, on: connection),
                completed: try views.completed(since: since, on: connection),
                pendingExtensions: try views.pendingExtensions(on: connection).map(PendingExtension.init),
                asOf: asOf, windowDays: windowDays, calendar: calendar)
        }
    }
}
