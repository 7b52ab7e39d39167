/// The summary as the text of the page's tables in one language. The page is rendered
/// from it and `/api/summary` sends it, so the script that keeps the page live only puts
/// text into cells and never formats anything itself.
struct DashboardView: Sendable, Equatable, Encodable {
    /// One table row: `key` identifies it (agency code, referral id), `cells` are its texts.
    struct Row: Sendable, Equatable, Encodable {
        var key: String
        var cells: [String]
    }

    var language: String
    /// The document title, with the overdue count first so a tab or wallboard shows it.
    var title: String
    /// One sentence for the live region: when the figures are from and how many are overdue.
    var status: String
    /// When the figures were read, Baku time to the second.
    var asOf: String
    var overdueCount: Int
    var pendingExtensionCount: Int
    var agencies: [Row]
    var total: Row
    var overdue: [Row]
    var extensions: [Row]

    init(_ summary: DashboardSummary, language: DashboardLanguage) {
        let text = DashboardText.of(language)
        self.language = language.rawValue
        title = "(\(summary.overdueCount)) \(text.title)"
        asOf = OperatorTime.localToTheSecond(summary.asOf)
        status = "\(text.updated) \(asOf). \(text.overdue): \(summary.overdueCount)."
        overdueCount = summary.overdueCount
        pendingExtensionCount = summary.pendingExtensions.count
        agencies = summary.agencies.map { Row(key: $0.agency, cells: Self.cells($0, name: $0.agency)) }
        total = Row(key: "", cells: Self.cells(summary.total, name: text.allAgencies))
        overdue = summary.overdue.map { entry in
            Row(key: entry.referralId, cells: [
                entry.agency, entry.referralId, entry.caseId, entry.personInitials ?? "–",
                entry.missed == .acknowledge ? text.notAcknowledged : text.notCompleted,
                OperatorTime.local(entry.deadline), String(entry.workingDaysLate),
            ])
        }
        extensions = summary.pendingExtensions.map { request in
            Row(key: String(request.requestId), cells: [
                request.agency, request.referralId, request.requestedDueBy, OperatorTime.local(request.currentDueBy),
                OperatorTime.local(request.requestedAt),
            ])
        }
    }

    private static func cells(_ row: DashboardSummary.AgencyRow, name: String) -> [String] {
        let median = ReportColumns.median(row.medianWorkingDaysToCompletion)
        return [
            name, String(row.open), String(row.overdue), String(row.openInTime), String(row.completedOnTime),
            String(row.completedLate), median.isEmpty ? "–" : median,
        ]
    }

    /// The column headings of each table, and which columns hold numbers (right-aligned).
    static func agencyColumns(_ text: DashboardText) -> [(String, numeric: Bool)] {
        [
            (text.agency, numeric: false), (text.open, numeric: true), (text.overdue, numeric: true), (text.openInTime, numeric: true),
            (text.completedOnTime, numeric: true), (text.completedLate, numeric: true), (text.median, numeric: true),
        ]
    }

    static func overdueColumns(_ text: DashboardText) -> [(String, numeric: Bool)] {
        [
            (text.agency, numeric: false), (text.referral, numeric: false), (text.caseId, numeric: false), (text.person, numeric: false), (text.missed, numeric: false),
            (text.deadline, numeric: false), (text.workingDaysLate, numeric: true),
        ]
    }

    static func extensionColumns(_ text: DashboardText) -> [(String, numeric: Bool)] {
        [
            (text.agency, numeric: false), (text.referral, numeric: false), (text.requestedDate, numeric: false), (text.currentDeadline, numeric: false),
            (text.requestedAt, numeric: false),
        ]
    }
}
