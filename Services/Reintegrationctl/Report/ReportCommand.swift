import ArgumentParser
import Foundation
import ReferralOperations
import WorkingCalendar

/// `reintegrationctl report`: the working group's figures per agency for a period.
///
/// Exit codes: 0 done (also when the period has no referrals); 64 wrong usage; 69 the
/// database cannot be reached or lacks a service's tables; 73 the output file cannot be
/// written; 1 otherwise.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The working-group report: per agency, referrals issued in a period and how they fared.",
        discussion: """
            Counts the referrals issued from --from to --to (local days in Asia/Baku, both included): issued, \
            acknowledged on time, completed on time and late, declined, open, overdue now, and the median working \
            days from issue to completion. "On time" compares the moment the cluster recorded the agency's update \
            with the referral's deadline.

            Formats: table (aligned, for a terminal), csv (RFC 4180 with a header row), html (one self-contained \
            page with charts, to attach to minutes), svg (the chart alone).

            Exit codes: 0 done; 64 wrong usage; 69 database unavailable; 73 cannot write --output; 1 otherwise.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, csv, html, svg
    }

    @OptionGroup var database: OperatorDatabaseOptions
    @OptionGroup var calendarOptions: CalendarOptions

    @Option(help: "First day of the period, YYYY-MM-DD (issue day, Asia/Baku).")
    var from: String

    @Option(help: "Last day of the period, YYYY-MM-DD, included.")
    var to: String

    @Option(help: "table, csv, html or svg.")
    var format: Format = .table

    @Option(help: "Write to this file instead of standard output.")
    var output: String?

    func validate() throws {
        _ = try period()
    }

    func run() async throws {
        let period = try period()
        let calendar = try calendarOptions.calendar()
        // A day's margin each side covers any zone; the report keeps the records whose local issue day is in the period.
        let since = Date(timeIntervalSince1970: Double(period.from.advanced(by: -1).ordinal) * 86_400)
        let until = Date(timeIntervalSince1970: Double(period.to.advanced(by: 2).ordinal) * 86_400)
        let (records, asOf) = try await database.read { connection in
            (try ReferralReadViews().issued(from: since, until: until, agency: nil, on: connection), Date())
        }
        let report = WorkingGroupReport(records: records, period: period, asOf: asOf, calendar: calendar)
        let text = switch format {
        case .table: ReportTableRenderer.render(report)
        case .csv: ReportCSVRenderer.render(report)
        case .html: ReportHTMLRenderer.render(report)
        case .svg: ReportChartRenderer.render(report, standalone: true)
        }
        try OutputDestination.write(text, to: output)
    }

    private func period() throws -> ReportPeriod {
        guard let first = CivilDay(from) else { throw ValidationError("--from must be an existing date, YYYY-MM-DD") }
        guard let last = CivilDay(to) else { throw ValidationError("--to must be an existing date, YYYY-MM-DD") }
        guard let period = ReportPeriod(from: first, to: last) else { throw ValidationError("--to must not be before --from") }
        return period
    }
}
