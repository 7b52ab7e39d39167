import Foundation
import ReferralOperations
import WorkingCalendar

/// The working group's figures for a period, per agency: computed from referral records
/// alone, so the rules are tested without a database and every renderer shows the same numbers.
struct WorkingGroupReport: Sendable, Equatable {
    let period: ReportPeriod
    /// The moment "open" and "overdue now" refer to.
    let asOf: Date
    /// One entry per agency with referrals issued in the period, by agency code.
    let agencies: [AgencyFigures]
    /// All agencies together (the median over all completed referrals).
    let total: AgencyFigures

    /// Counts the records whose local issue day falls in `period`; others are ignored.
    init(records: [ReferralRecord], period: ReportPeriod, asOf: Date, calendar: WorkingCalendar) {
        self.period = period
        self.asOf = asOf
        let inPeriod = records.filter { period.contains(calendar.localDay(of: $0.issuedAt)) }
        let byAgency = Dictionary(grouping: inPeriod, by: \.agency)
        agencies = byAgency.keys.sorted().map { agency in
            AgencyFigures(agency: agency, records: byAgency[agency] ?? [], asOf: asOf, calendar: calendar)
        }
        total = AgencyFigures(agency: "all agencies", records: inPeriod, asOf: asOf, calendar: calendar)
    }

    /// The middle value, or the mean of the two middle values for an even count.
    static func median(_ values: [Int]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count.isMultiple(of: 2)
            ? Double(sorted[middle - 1] + sorted[middle]) / 2
            : Double(sorted[middle])
    }
}
