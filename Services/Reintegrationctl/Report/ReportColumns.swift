/// The report's columns, shared by the table, CSV and HTML renderers so they never disagree.
enum ReportColumns {
    static let headers = [
        "agency", "issued", "acknowledged on time", "completed on time", "completed late", "declined", "open", "overdue now",
        "median working days to completion", "extensions requested", "extensions granted", "extensions refused",
    ]

    /// One row's cells; the median with one decimal, empty when nothing was completed.
    static func cells(_ figures: AgencyFigures) -> [String] {
        [
            figures.agency, String(figures.issued), String(figures.acknowledgedOnTime), String(figures.completedOnTime),
            String(figures.completedLate), String(figures.declined), String(figures.open), String(figures.overdueNow),
            median(figures.medianWorkingDaysToCompletion), String(figures.extensionsRequested), String(figures.extensionsGranted),
            String(figures.extensionsRefused),
        ]
    }

    static func median(_ value: Double?) -> String {
        guard let value else { return "" }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
