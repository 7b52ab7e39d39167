import Foundation
import Testing
import WorkingCalendar

@testable import Reintegrationctl

@Suite("Dashboard figures, page and access rules")
struct DashboardSummaryTests {
    static let summary: DashboardSummary = {
        let records = ReportScenario.records
        return DashboardSummary(
            open: records.filter(\.status.isOpen), completed: records.filter { $0.status == .completed },
            pendingExtensions: [
                PendingExtension(
                    requestId: 7, agency: "health", referralId: "r-<1>", caseId: "c-1", requestedDueBy: "2025-02-14",
                    currentDueBy: ReportScenario.baku("2025-01-21T18:00:00"), requestedAt: ReportScenario.baku("2025-01-20T09:30:00"))
            ],
            asOf: ReportScenario.asOf, windowDays: 30, calendar: ReportScenario.calendar)
    }()

    @Test("open and overdue count every open referral; on time and the median count the completions")
    func figures() {
        let summary = Self.summary
        #expect(summary.agencies.map(\.agency) == ["health", "labour"])
        let health = summary.agencies[0], labour = summary.agencies[1]
        #expect([health.open, health.overdue, health.openInTime, health.completedOnTime, health.completedLate] == [3, 2, 1, 1, 1] as [Int])
        #expect(health.medianWorkingDaysToCompletion == 8.5)
        #expect([labour.open, labour.overdue, labour.openInTime, labour.completedOnTime, labour.completedLate] == [2, 1, 1, 2, 0] as [Int])
        #expect(labour.medianWorkingDaysToCompletion == 3.5)
        #expect([summary.total.open, summary.total.overdue, summary.total.completedOnTime] == [5, 3, 3] as [Int])
        #expect(summary.total.medianWorkingDaysToCompletion == 5)
        #expect(summary.overdue.map(\.agency) == ["health", "health", "labour"])
        #expect(Array(summary.overdue.map(\.workingDaysLate).prefix(2)) == [4, 3] as [Int])
    }

    @Test("the page escapes what it shows, names nothing outside the tool, and the script rebuilds the same rows")
    func page() {
        let view = DashboardView(Self.summary, language: .az)
        let html = DashboardPage.render(view, windowDays: 30, refreshMilliseconds: 2_000)
        #expect(html.contains(#"<html lang="az">"#))
        #expect(html.contains("r-&lt;1&gt;") && !html.contains("r-<1>"))
        #expect(!html.contains("http://") && !html.contains("https://"))
        #expect(html.contains(#"<tr data-key="health"><th scope="row">health</th><td class="number">3</td><td class="number">2</td>"#))
        #expect(view.title == "(3) Yönləndirmələr: canlı görünüş")
        #expect(view.overdue[0].cells[4] == "icra edilməyib")
        #expect(!DashboardAssets.script.contains("innerHTML"), "the script writes text, never markup")
    }

    @Test("the language comes from ?lang=, else Accept-Language, else English")
    func language() {
        #expect(DashboardLanguage.choose(query: "az", acceptLanguage: "en") == .az)
        #expect(DashboardLanguage.choose(query: "fr", acceptLanguage: nil) == .en)
        #expect(DashboardLanguage.choose(query: nil, acceptLanguage: "ru-RU,az-Latn-AZ;q=0.9,en;q=0.8") == .az)
        #expect(DashboardLanguage.choose(query: nil, acceptLanguage: "en;q=0.5, az;q=0.7") == .az)
        #expect(DashboardLanguage.choose(query: nil, acceptLanguage: "az;q=0, en-GB") == .en)
    }

    @Test("listening addresses: loopback or not")
    func addresses() {
        #expect(DashboardListenAddress("127.0.0.1:8090")?.isLoopback == true)
        #expect(DashboardListenAddress("localhost:1")?.isLoopback == true)
        #expect(DashboardListenAddress("[::1]:8090")?.isLoopback == true)
        #expect(DashboardListenAddress("0.0.0.0:8090")?.isLoopback == false)
        #expect(DashboardListenAddress("[::]:8090")?.isLoopback == false)
        #expect(DashboardListenAddress("10.0.0.5:443")?.isLoopback == false)
        #expect(DashboardListenAddress("127.0.0.1.example.org:80")?.isLoopback == false)
        #expect(DashboardListenAddress("8090") == nil)
        #expect(DashboardListenAddress("host:0") == nil)
        #expect(DashboardListenAddress("::1:8090") == nil)
    }

    @Test("the token is admitted as a Basic password or a bearer token, and nothing else")
    func token() {
        let token = DashboardAccessToken("0123456789abcdef0123")
        #expect(token.admits(authorization: "Bearer 0123456789abcdef0123"))
        #expect(token.admits(authorization: "Basic " + Data("anyone:0123456789abcdef0123".utf8).base64EncodedString()))
        #expect(!token.admits(authorization: "Basic " + Data("0123456789abcdef0123:".utf8).base64EncodedString()))
        #expect(!token.admits(authorization: "Bearer 0123456789abcdef012"))
        #expect(!token.admits(authorization: "Token 0123456789abcdef0123"))
        #expect(!token.admits(authorization: nil))
    }
}
