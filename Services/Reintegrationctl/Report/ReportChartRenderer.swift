import Foundation

/// The report's charts as SVG: per agency, a bar of its referrals split into completed on
/// time, completed late, overdue, open in time and declined, and the median working days
/// to completion beside it. Plain shapes and text only, so it renders anywhere offline.
enum ReportChartRenderer {
    /// One part of an agency's bar.
    private struct Segment: Sendable {
        let label: String
        let colour: String
        let value: @Sendable (AgencyFigures) -> Int
    }

    private static let background = "#ffffff"
    private static let medianColour = "#3949ab"

    private static let segments = [
        Segment(label: "completed on time", colour: "#2e7d32") { $0.completedOnTime },
        Segment(label: "completed late", colour: "#f9a825") { $0.completedLate },
        Segment(label: "overdue now", colour: "#c62828") { $0.overdueNow },
        Segment(label: "open, in time", colour: "#78909c") { $0.openInTime },
        Segment(label: "declined", colour: "#bcaaa4") { $0.declined },
    ]

    private static let labelWidth = 130
    private static let barWidth = 400
    private static let medianGap = 40
    private static let medianWidth = 240
    private static let rowHeight = 30
    private static let top = 48

    /// `standalone` adds the XML namespace an `.svg` file needs (HTML's inline SVG does not).
    static func render(_ report: WorkingGroupReport, standalone: Bool = false) -> String {
        let rows = report.agencies
        let width = labelWidth + barWidth + medianGap + medianWidth
        let legendY = top + max(rows.count, 1) * rowHeight + 12
        let height = legendY + 52
        let maxIssued = max(rows.map(\.issued).max() ?? 0, 1)
        let maxMedian = max(rows.compactMap(\.medianWorkingDaysToCompletion).max() ?? 0, 1)
        let medianLeft = labelWidth + barWidth + medianGap
        let namespace = standalone ? #" xmlns="http://www.w3.org/2000/svg""# : ""
        var svg = #"<svg\#(namespace) width="\#(width)" height="\#(height)" viewBox="0 0 \#(width) \#(height)" role="img" "#
        svg += #"aria-label="Referrals per agency by outcome, and median working days to completion" "#
        svg += #"font-family="system-ui, sans-serif" font-size="13">"# + "\n"
        svg += #"<rect width="\#(width)" height="\#(height)" fill="\#(background)"/>"# + "\n"
        svg += text(x: labelWidth, y: 20, "Referrals issued \(report.period)", weight: "bold")
        svg += text(x: medianLeft, y: 20, "Median time to completion", weight: "bold")
        svg += text(x: medianLeft, y: 36, "working days from issue", size: 11, colour: "#555555")
        if rows.isEmpty {
            svg += text(x: labelWidth, y: top + 20, "No referrals were issued in this period.")
        }
        for (index, figures) in rows.enumerated() {
            let y = top + index * rowHeight
            svg += text(x: labelWidth - 8, y: y + 17, figures.agency, anchor: "end")
            var x = Double(labelWidth)
            for segment in segments {
                let value = segment.value(figures)
                guard value > 0 else { continue }
                let length = Double(barWidth) * Double(value) / Double(maxIssued)
                svg += #"<rect x="\#(format(x))" y="\#(y + 4)" width="\#(format(length))" height="\#(rowHeight - 10)" fill="\#(segment.colour)">"#
                svg += "<title>\(HTMLText.escape(figures.agency)): \(value) \(segment.label)</title></rect>\n"
                x += length
            }
            svg += text(x: Int(x.rounded()) + 6, y: y + 17, "\(figures.issued)", size: 11)
            if let median = figures.medianWorkingDaysToCompletion {
                let length = Double(medianWidth - 40) * median / maxMedian
                svg += #"<rect x="\#(medianLeft)" y="\#(y + 4)" width="\#(format(length))" height="\#(rowHeight - 10)" fill="\#(medianColour)"/>"# + "\n"
                svg += text(x: medianLeft + Int(length.rounded()) + 6, y: y + 17, ReportColumns.median(median), size: 11)
            } else {
                svg += text(x: medianLeft, y: y + 17, "none completed", size: 11, colour: "#757575")
            }
        }
        // The legend under the bars, where it cannot collide with either title.
        var legendX = labelWidth
        for segment in segments {
            svg += #"<rect x="\#(legendX)" y="\#(legendY)" width="12" height="12" fill="\#(segment.colour)"/>"# + "\n"
            svg += text(x: legendX + 16, y: legendY + 10, segment.label, size: 11)
            legendX += 16 + segment.label.count * 6 + 14
        }
        svg += text(x: labelWidth, y: legendY + 38, "Overdue and open as of \(OperatorTime.local(report.asOf)); working days in Asia/Baku.", size: 11, colour: "#555555")
        return svg + "</svg>\n"
    }

    private static func text(
        x: Int, y: Int, _ content: String, size: Int = 13, weight: String = "normal", anchor: String = "start", colour: String = "#212121"
    ) -> String {
        #"<text x="\#(x)" y="\#(y)" font-size="\#(size)" font-weight="\#(weight)" text-anchor="\#(anchor)" fill="\#(colour)">"#
            + HTMLText.escape(content) + "</text>\n"
    }

    /// Two decimals, whatever the locale.
    private static func format(_ value: Double) -> String {
        String(format: "%.2f", value)
    }
}
