import Foundation

/// The report as an aligned terminal table, with a totals row.
enum ReportTableRenderer {
    static func render(_ report: WorkingGroupReport) -> String {
        var table = TextTable(ReportColumns.headers.enumerated().map { ($1, $0 == 0 ? .left : .right) })
        for figures in report.agencies { table.append(ReportColumns.cells(figures).map { $0.isEmpty ? "-" : $0 }) }
        var text = "Working-group report, referrals issued \(report.period) (working days: Asia/Baku)\n"
        text += "Open and overdue as of \(OperatorTime.local(report.asOf))\n\n"
        guard !report.agencies.isEmpty else { return text + "No referrals were issued in this period.\n" }
        table.append(ReportColumns.cells(report.total).map { $0.isEmpty ? "-" : $0 })
        return text + table.rendered()
    }
}
