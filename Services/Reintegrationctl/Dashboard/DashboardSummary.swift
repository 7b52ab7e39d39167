import Foundation
import ReferralOperations
import WorkingCalendar

/// What the live view shows at one moment: per agency the open, overdue and on-time
/// figures, the overdue referrals and the pending extension requests. Computed from
/// records alone with the report's and the overdue list's rules, so all three agree.
struct DashboardSummary: Sendable, Equatable, Encodable {
    /// One agency's row (or the totals).
    struct AgencyRow: Sendable, Equatable, Encodable {
        var agency: String
        /// Neither completed nor declined, whenever issued.
        var open: Int
        /// Open and past a deadline now.
        var overdue: Int
        var openInTime: Int
        /// Completions recorded in the window, by their due-by deadline or after it.
        var completedOnTime: Int
        var completedLate: Int
        /// Over the completions in the window; nil when there were none.
        var medianWorkingDaysToCompletion: Double?

        init(_ figures: AgencyFigures) {
            agency = figures.agency
            open = figures.open
            overdue = figures.overdueNow
            openInTime = figures.openInTime
            completedOnTime = figures.completedOnTime
            completedLate = figures.completedLate
            medianWorkingDaysToCompletion = figures.medianWorkingDaysToCompletion
        }
    }

    let asOf: Date
    /// Completions counted are those recorded in the last `windowDays` days.
    let windowDays: Int
    /// Agencies with an open referral or a completion in the window, by code.
    let agencies: [AgencyRow]
    let total: AgencyRow
    /// Every overdue referral: by agency, then the most working days late first.
    let overdue: [OverdueList.Entry]
    let pendingExtensions: [PendingExtension]

    var overdueCount: Int { overdue.count }

    /// `open` are the open referrals, `completed` those completed in the window.
    init(
        open: [ReferralRecord], completed: [ReferralRecord], pendingExtensions: [PendingExtension],
        asOf: Date, windowDays: Int, calendar: WorkingCalendar
    ) {
        self.asOf = asOf
        self.windowDays = windowDays
        let records = open.filter(\.status.isOpen) + completed.filter { $0.status == .completed }
        let byAgency = Dictionary(grouping: records, by: \.agency)
        agencies = byAgency.keys.sorted().map { agency in
            AgencyRow(AgencyFigures(agency: agency, records: byAgency[agency] ?? [], asOf: asOf, calendar: calendar))
        }
        total = AgencyRow(AgencyFigures(agency: "all agencies", records: records, asOf: asOf, calendar: calendar))
        overdue = OverdueList(records: open, asOf: asOf, calendar: calendar).groups.flatMap(\.referrals)
        self.pendingExtensions = pendingExtensions
    }

    private enum CodingKeys: String, CodingKey {
        case asOf, windowDays, agencies, total, overdue, overdueCount, pendingExtensions
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(asOf, forKey: .asOf)
        try container.encode(windowDays, forKey: .windowDays)
        try container.encode(agencies, forKey: .agencies)
        try container.encode(total, forKey: .total)
        try container.encode(overdue, forKey: .overdue)
        try container.encode(overdueCount, forKey: .overdueCount)
        try container.encode(pendingExtensions, forKey: .pendingExtensions)
    }
}
