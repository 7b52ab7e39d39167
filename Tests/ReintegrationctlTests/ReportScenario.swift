import Foundation
import ReferralDomain
import ReferralOperations
import WorkingCalendar

@testable import Reintegrationctl

/// A known month of referrals (January 2025, no holidays) whose figures are worked out by hand.
enum ReportScenario {
    static let calendar = WorkingCalendar(holidays: [])
    static let period = ReportPeriod(from: CivilDay("2025-01-01")!, to: CivilDay("2025-01-31")!)!
    /// Monday 27 January 2025, noon in Baku.
    static let asOf = baku("2025-01-27T12:00:00")

    /// An instant given as Baku wall-clock time.
    static func baku(_ text: String) -> Date {
        ISO8601DateFormatter().date(from: text + "+04:00")!
    }

    /// A referral with the contract's default deadlines: 2 working days to acknowledge, 10 to complete.
    static func referral(
        _ agency: String, issued: String, status: ReferralStatus, acknowledged: String? = nil, completed: String? = nil
    ) -> ReferralRecord {
        let issuedAt = baku(issued)
        return ReferralRecord(
            referralId: UUID(), caseId: UUID(), agency: agency, status: status, issuedAt: issuedAt,
            acknowledgeBy: calendar.endOfWorkingDay(2, after: issuedAt), dueBy: calendar.endOfWorkingDay(10, after: issuedAt),
            acknowledgedAt: acknowledged.map(baku), completedAt: completed.map(baku))
    }

    static let records: [ReferralRecord] = [
        // health: R1 on time throughout, 5 working days to completion.
        referral("health", issued: "2025-01-06T10:00:00", status: .completed, acknowledged: "2025-01-07T09:00:00", completed: "2025-01-13T15:00:00"),
        // R2 acknowledged late (after 8 Jan) and completed late (after 20 Jan), 12 working days.
        referral("health", issued: "2025-01-06T11:00:00", status: .completed, acknowledged: "2025-01-09T09:00:00", completed: "2025-01-22T15:00:00"),
        // R3 acknowledged in time, still in progress past due-by (21 Jan): overdue, 4 working days late.
        referral("health", issued: "2025-01-07T10:00:00", status: .inProgress, acknowledged: "2025-01-08T10:00:00"),
        // R4 never acknowledged, acknowledge-by 22 Jan: overdue, 3 working days late.
        referral("health", issued: "2025-01-20T10:00:00", status: .issued),
        // labour: L0 issued half an hour into 1 January in Baku (still 31 December in UTC): in the period, 2 working days.
        referral("labour", issued: "2025-01-01T00:30:00", status: .completed, acknowledged: "2025-01-02T10:00:00", completed: "2025-01-03T12:00:00"),
        // L1 declined without acknowledgement.
        referral("labour", issued: "2025-01-08T10:00:00", status: .declined),
        // L2 on time, 5 working days.
        referral("labour", issued: "2025-01-10T10:00:00", status: .completed, acknowledged: "2025-01-13T10:00:00", completed: "2025-01-17T10:00:00"),
        // L3 acknowledged, due 5 February: open in time.
        referral("labour", issued: "2025-01-22T10:00:00", status: .acknowledged, acknowledged: "2025-01-23T10:00:00"),
        // Outside the period: late on 31 December in Baku, and February.
        referral("labour", issued: "2024-12-31T23:00:00", status: .issued),
        referral("health", issued: "2025-02-03T10:00:00", status: .issued),
    ]

    static var report: WorkingGroupReport {
        WorkingGroupReport(records: records, period: period, asOf: asOf, calendar: calendar)
    }
}
