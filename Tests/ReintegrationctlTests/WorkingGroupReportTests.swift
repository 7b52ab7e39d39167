import Foundation
import Testing
import WorkingCalendar

@testable import Reintegrationctl

@Suite("Working-group report figures")
struct WorkingGroupReportTests {
    @Test("each agency's figures match the hand-worked scenario")
    func agencyFigures() {
        let report = ReportScenario.report
        #expect(report.agencies.map(\.agency) == ["health", "labour"])
        #expect(report.agencies[0] == AgencyFigures(
            agency: "health", issued: 4, acknowledgedOnTime: 2, completedOnTime: 1, completedLate: 1, declined: 0, open: 2,
            overdueNow: 2, medianWorkingDaysToCompletion: 8.5))
        #expect(report.agencies[1] == AgencyFigures(
            agency: "labour", issued: 4, acknowledgedOnTime: 3, completedOnTime: 2, completedLate: 0, declined: 1, open: 1,
            overdueNow: 0, medianWorkingDaysToCompletion: 3.5))
        #expect(report.total == AgencyFigures(
            agency: "all agencies", issued: 8, acknowledgedOnTime: 5, completedOnTime: 3, completedLate: 1, declined: 1, open: 3,
            overdueNow: 2, medianWorkingDaysToCompletion: 5))
    }

    @Test("extensions are counted per agency, and on time means by the deadline in force")
    func extensionsCounted() {
        // Completed on 24 January: late against the original dueBy (20 January), on time
        // against the extension granted to the end of 24 January.
        var extended = ReportScenario.referral(
            "health", issued: "2025-01-06T10:00:00", status: .completed, acknowledged: "2025-01-07T09:00:00", completed: "2025-01-24T15:00:00")
        extended.dueBy = ReportScenario.calendar.endOfDay(CivilDay("2025-01-24")!)
        extended.extensionsRequested = 2
        extended.extensionsGranted = 1
        extended.extensionsRefused = 1
        var pending = ReportScenario.referral("labour", issued: "2025-01-06T10:00:00", status: .inProgress, acknowledged: "2025-01-07T09:00:00")
        pending.extensionsRequested = 1
        let report = WorkingGroupReport(
            records: [extended, pending], period: ReportScenario.period, asOf: ReportScenario.asOf, calendar: ReportScenario.calendar)
        #expect(report.agencies[0].completedOnTime == 1 && report.agencies[0].completedLate == 0)
        func extensions(_ figures: AgencyFigures) -> [Int] { [figures.extensionsRequested, figures.extensionsGranted, figures.extensionsRefused] }
        #expect(extensions(report.agencies[0]) == [2, 1, 1])
        #expect(extensions(report.agencies[1]) == [1, 0, 0])
        #expect(extensions(report.total) == [3, 1, 1])
        #expect(ReportColumns.cells(report.total).suffix(3) == ["3", "1", "1"])
    }

    @Test("the period is counted in Baku days, not UTC days")
    func periodInBakuDays() {
        let january = ReportScenario.report.agencies.first { $0.agency == "labour" }
        #expect(january?.issued == 4)
        let december = WorkingGroupReport(
            records: ReportScenario.records, period: ReportPeriod(from: CivilDay("2024-12-01")!, to: CivilDay("2024-12-31")!)!,
            asOf: ReportScenario.asOf, calendar: ReportScenario.calendar)
        #expect(december.total.issued == 1)
    }

    @Test("the median of an odd, even and empty list")
    func median() {
        #expect(WorkingGroupReport.median([7, 1, 3]) == 3)
        #expect(WorkingGroupReport.median([4, 1, 3, 10]) == 3.5)
        #expect(WorkingGroupReport.median([]) == nil)
    }

    @Test("a period without referrals has no agencies and no median")
    func emptyPeriod() {
        let report = WorkingGroupReport(
            records: ReportScenario.records, period: ReportPeriod(from: CivilDay("2023-01-01")!, to: CivilDay("2023-01-31")!)!,
            asOf: ReportScenario.asOf, calendar: ReportScenario.calendar)
        #expect(report.agencies.isEmpty)
        #expect(report.total.issued == 0)
        #expect(report.total.medianWorkingDaysToCompletion == nil)
    }

    @Test("a period that ends before it starts is refused")
    func backwardsPeriod() {
        #expect(ReportPeriod(from: CivilDay("2025-02-01")!, to: CivilDay("2025-01-31")!) == nil)
    }

    @Test("overdue referrals, grouped by agency, with working days late and the deadline missed")
    func overdueList() {
        let list = OverdueList(records: ReportScenario.records, asOf: ReportScenario.asOf, calendar: ReportScenario.calendar)
        #expect(list.groups.map(\.agency) == ["health", "labour"])
        let health = list.groups[0].referrals
        // R3 (in progress past due-by, 4 days) before R4 (never acknowledged, 3 days); the February one is in time.
        #expect(health.map(\.workingDaysLate) == [4, 3])
        #expect(health.map(\.missed) == [.complete, .acknowledge])
        // Issued on 31 December, never acknowledged, due 14 January: 9 working days late on 27 January.
        #expect(list.groups[1].referrals.map(\.workingDaysLate) == [9])
        #expect(list.count == 3)
    }
}
