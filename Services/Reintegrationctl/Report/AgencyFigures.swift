import Foundation
import ReferralOperations
import WorkingCalendar

/// One agency's figures for a report period (or the totals over all agencies).
struct AgencyFigures: Sendable, Equatable, Encodable {
    var agency: String
    /// Referrals issued in the period.
    var issued = 0
    /// Of those, acknowledged by their acknowledge-by deadline.
    var acknowledgedOnTime = 0
    /// Completed by their due-by deadline.
    var completedOnTime = 0
    /// Completed after their due-by deadline.
    var completedLate = 0
    var declined = 0
    /// Neither completed nor declined yet.
    var open = 0
    /// Open and past a deadline now: not acknowledged past acknowledge-by, or not completed past due-by.
    var overdueNow = 0
    /// Median working days from issue to completion over the completed referrals; nil when none.
    var medianWorkingDaysToCompletion: Double?
    /// Deadline extensions asked for on these referrals, and those approved and refused.
    var extensionsRequested = 0
    var extensionsGranted = 0
    var extensionsRefused = 0

    /// Open and not (yet) overdue.
    var openInTime: Int { open - overdueNow }
}

extension AgencyFigures {
    /// Counts `records` as one agency's (or all agencies') referrals at `asOf`.
    init(agency: String, records: [ReferralRecord], asOf: Date, calendar: WorkingCalendar) {
        self.init(agency: agency)
        var daysToCompletion: [Int] = []
        for record in records {
            issued += 1
            extensionsRequested += record.extensionsRequested
            extensionsGranted += record.extensionsGranted
            extensionsRefused += record.extensionsRefused
            if let acknowledgedAt = record.acknowledgedAt, acknowledgedAt <= record.acknowledgeBy {
                acknowledgedOnTime += 1
            }
            switch record.status {
            case .completed:
                // On time means by the deadline in force: an approved extension moved `dueBy`.
                // A completion without a recorded moment (data loaded from elsewhere) counts as late.
                if let completedAt = record.completedAt {
                    if completedAt <= record.dueBy { completedOnTime += 1 } else { completedLate += 1 }
                    daysToCompletion.append(calendar.workingDays(from: record.issuedAt, to: completedAt))
                } else {
                    completedLate += 1
                }
            case .declined:
                declined += 1
            case .issued, .acknowledged, .inProgress:
                open += 1
                if OverdueList.missedDeadline(of: record, asOf: asOf) != nil { overdueNow += 1 }
            }
        }
        medianWorkingDaysToCompletion = WorkingGroupReport.median(daysToCompletion)
    }
}
