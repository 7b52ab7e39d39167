import Foundation
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
            Self.figures(agency: agency, records: byAgency[agency] ?? [], asOf: asOf, calendar: calendar)
        }
        total = Self.figures(agency: "all agencies", records: inPeriod, asOf: asOf, calendar: calendar)
    }

    private static func figures(agency: String, records: [ReferralRecord], asOf: Date, calendar: WorkingCalendar) -> AgencyFigures {
        var figures = AgencyFigures(agency: agency)
        var daysToCompletion: [Int] = []
        for record in records {
            figures.issued += 1
            figures.extensionsRequested += record.extensionsRequested
            figures.extensionsGranted += record.extensionsGranted
            figures.extensionsRefused += record.extensionsRefused
            if let acknowledgedAt = record.acknowledgedAt, acknowledgedAt <= record.acknowledgeBy {
                figures.acknowledgedOnTime += 1
            }
            switch record.status {
            case .completed:
                // On time means by the deadline in force: an approved extension moved `dueBy`.
                // A completion without a recorded moment (data loaded from elsewhere) counts as late.
                if let completedAt = record.completedAt {
                    if completedAt <= record.dueBy { figures.completedOnTime += 1 } else { figures.completedLate += 1 }
                    daysToCompletion.append(calendar.workingDays(from: record.issuedAt, to: completedAt))
                } else {
                    figures.completedLate += 1
                }
            case .declined:
                figures.declined += 1
            case .issued, .acknowledged, .inProgress:
                figures.open += 1
                if OverdueList.missedDeadline(of: record, asOf: asOf) != nil { figures.overdueNow += 1 }
            }
        }
        figures.medianWorkingDaysToCompletion = median(daysToCompletion)
        return figures
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
