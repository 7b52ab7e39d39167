import Foundation
import Testing
import WorkingCalendar

@testable import Reintegrationctl

@Suite("Report renderers")
struct ReportRendererTests {
    @Test("CSV has a header row, one row per agency, CRLF line ends and the figures")
    func csvRows() {
        let csv = ReportCSVRenderer.render(ReportScenario.report)
        let lines = csv.components(separatedBy: "\r\n")
        #expect(lines.count == 4 && lines[3].isEmpty, "\(lines)")
        #expect(lines[0].hasPrefix("period from,period to,agency,issued,acknowledged on time,"))
        #expect(lines[1] == "2025-01-01,2025-01-31,health,4,2,1,1,0,2,2,8.5,0,0,0")
        #expect(lines[2] == "2025-01-01,2025-01-31,labour,4,3,2,0,1,1,0,3.5,0,0,0")
    }

    @Test("CSV quotes fields with commas, quotes and line breaks, doubling quotes")
    func csvEscaping() {
        #expect(ReportCSVRenderer.field("health") == "health")
        #expect(ReportCSVRenderer.field("a,b") == "\"a,b\"")
        #expect(ReportCSVRenderer.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(ReportCSVRenderer.field("two\nlines") == "\"two\nlines\"")
        #expect(ReportCSVRenderer.field("two\r\nlines") == "\"two\r\nlines\"")
        let report = WorkingGroupReport(
            records: [ReportScenario.referral("odd,\"agency\"", issued: "2025-01-06T10:00:00", status: .issued)],
            period: ReportScenario.period, asOf: ReportScenario.asOf, calendar: ReportScenario.calendar)
        #expect(ReportCSVRenderer.render(report).contains(",\"odd,\"\"agency\"\"\",1,"))
    }

    @Test("the HTML page is self-contained: inline SVG chart, inline CSS, no external resources")
    func htmlSelfContained() {
        let html = ReportHTMLRenderer.render(ReportScenario.report)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<svg"))
        #expect(html.contains("<style>"))
        for external in ["http://", "https://", "//cdn", "src=", "<link", "@import", "url("] {
            #expect(!html.contains(external), "found \(external)")
        }
        #expect(html.contains("<td>health</td>"))
        #expect(html.contains("<td class=\"number\">8.5</td>"))
    }

    @Test("agency names are escaped in HTML and SVG")
    func htmlEscaping() {
        let report = WorkingGroupReport(
            records: [ReportScenario.referral("<script>x</script>", issued: "2025-01-06T10:00:00", status: .issued)],
            period: ReportScenario.period, asOf: ReportScenario.asOf, calendar: ReportScenario.calendar)
        let html = ReportHTMLRenderer.render(report)
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;x&lt;/script&gt;"))
    }

    @Test("the chart has a bar per agency, and the standalone SVG declares its namespace")
    func chart() {
        let inline = ReportChartRenderer.render(ReportScenario.report)
        #expect(!inline.contains("xmlns"))
        #expect(inline.contains(">health</text>") && inline.contains(">labour</text>"))
        #expect(inline.contains("health: 2 overdue now"))
        let standalone = ReportChartRenderer.render(ReportScenario.report, standalone: true)
        #expect(standalone.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(standalone.hasSuffix("</svg>\n"))
    }

    @Test("the terminal table aligns its columns and ends with the totals")
    func table() {
        let text = ReportTableRenderer.render(ReportScenario.report)
        let lines = text.split(separator: "\n").map(String.init)
        let header = try! #require(lines.firstIndex { $0.hasPrefix("agency") })
        let tableLines = Array(lines[header...])
        #expect(tableLines.count == 5)
        // Right-aligned numbers: every row ends at the same column as the header.
        #expect(Set(tableLines.map(\.count)).count == 1, "\(tableLines)")
        #expect(tableLines[4].hasPrefix("all agencies"))
        #expect(tableLines[4].split(separator: " ").suffix(4) == ["5.0", "0", "0", "0"], "the median, then the extensions")
    }

    @Test("an empty period says so in every format")
    func emptyPeriod() {
        let report = WorkingGroupReport(
            records: [], period: ReportScenario.period, asOf: ReportScenario.asOf, calendar: ReportScenario.calendar)
        #expect(ReportTableRenderer.render(report).contains("No referrals were issued"))
        #expect(ReportHTMLRenderer.render(report).contains("No referrals were issued"))
        #expect(ReportCSVRenderer.render(report).components(separatedBy: "\r\n").count == 2)
    }
}
