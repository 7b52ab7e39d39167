/// The report as one self-contained HTML page to attach to meeting minutes: inline CSS,
/// the chart as inline SVG, the figures as a table, and nothing fetched from elsewhere.
enum ReportHTMLRenderer {
    static func render(_ report: WorkingGroupReport) -> String {
        let title = "Working-group report \(report.period)"
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>\(HTMLText.escape(title))</title>
            <style>
            body { font-family: system-ui, sans-serif; color: #212121; margin: 2em; max-width: 60em; }
            h1 { font-size: 1.4em; }
            p.note { color: #555555; font-size: 0.9em; }
            table { border-collapse: collapse; margin: 1.5em 0; }
            th, td { border: 1px solid #cfd8dc; padding: 0.3em 0.6em; }
            th { background: #eceff1; text-align: left; vertical-align: bottom; }
            td.number { text-align: right; font-variant-numeric: tabular-nums; }
            tr.total td { font-weight: bold; background: #fafafa; }
            figure { margin: 1.5em 0; }
            </style>
            </head>
            <body>
            <h1>\(HTMLText.escape(title))</h1>
            <p>Referrals issued from \(report.period.from) to \(report.period.to), per agency. Working days are Monday to
            Friday in Asia/Baku, minus public holidays. Open and overdue figures are as of \(HTMLText.escape(OperatorTime.local(report.asOf))).</p>

            """
        html += "<figure>\n" + ReportChartRenderer.render(report) + "</figure>\n"
        if report.agencies.isEmpty {
            html += "<p>No referrals were issued in this period.</p>\n"
        } else {
            html += "<table>\n<thead><tr>"
            html += ReportColumns.headers.map { "<th>\(HTMLText.escape($0))</th>" }.joined()
            html += "</tr></thead>\n<tbody>\n"
            for figures in report.agencies { html += row(figures, isTotal: false) }
            html += row(report.total, isTotal: true)
            html += "</tbody>\n</table>\n"
        }
        html += """
            <p class="note">On time: acknowledged by the acknowledge-by deadline, completed by the due-by deadline, as recorded
            by the cluster. Overdue now: open and past acknowledge-by without acknowledgement, or past due-by without completion.
            The median counts working days from issue to completion over the completed referrals.</p>
            </body>
            </html>

            """
        return html
    }

    private static func row(_ figures: AgencyFigures, isTotal: Bool) -> String {
        let cells = ReportColumns.cells(figures).enumerated().map { index, cell in
            index == 0 ? "<td>\(HTMLText.escape(cell))</td>" : "<td class=\"number\">\(cell.isEmpty ? "–" : cell)</td>"
        }
        return (isTotal ? "<tr class=\"total\">" : "<tr>") + cells.joined() + "</tr>\n"
    }
}
