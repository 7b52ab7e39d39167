import Foundation

/// The report as CSV (RFC 4180): a header row, one row per agency, CRLF line ends, and
/// fields quoted only when they hold a comma, a quote or a line break.
enum ReportCSVRenderer {
    static func render(_ report: WorkingGroupReport) -> String {
        let header = ["period from", "period to"] + ReportColumns.headers
        let rows = report.agencies.map { ["\(report.period.from)", "\(report.period.to)"] + ReportColumns.cells($0) }
        return ([header] + rows).map { $0.map(field).joined(separator: ",") + "\r\n" }.joined()
    }

    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
