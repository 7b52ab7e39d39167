/// The live view's HTML page: plain, accessible tables rendered on the server (so the page
/// reads without its script), a live region that says when the figures are from, and the
/// stylesheet and script served by the tool itself (nothing fetched from elsewhere).
enum DashboardPage {
    static func render(_ view: DashboardView, windowDays: Int, refreshMilliseconds: Int) -> String {
        let language = DashboardLanguage(rawValue: view.language) ?? .en
        let text = DashboardText.of(language)
        let other: DashboardLanguage = language == .en ? .az : .en
        return """
            <!DOCTYPE html>
            <html lang="\(language.rawValue)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTMLText.escape(view.title))</title>
            <link rel="stylesheet" href="dashboard.css">
            <script src="dashboard.js" defer></script>
            </head>
            <body data-refresh-ms="\(refreshMilliseconds)" data-stale="\(HTMLText.escape(text.stale))" data-sign-in-again="\(HTMLText.escape(text.signInAgain))" data-as-of="\(HTMLText.escape(view.asOf))" data-updates="0">
            <header>
            <h1>\(HTMLText.escape(text.title))</h1>
            <nav aria-label="Language / Dil"><a href="?lang=\(other.rawValue)" lang="\(other.rawValue)" hreflang="\(other.rawValue)">\(other == .az ? "Azərbaycanca" : "English")</a></nav>
            </header>
            <main>
            <p>\(HTMLText.escape(text.intro(windowDays)))</p>
            <p id="status" role="status" aria-live="polite">\(HTMLText.escape(view.status))</p>
            <section aria-labelledby="agencies-heading">
            <h2 id="agencies-heading">\(HTMLText.escape(text.agenciesHeading))</h2>
            \(table(id: "agencies", headingId: "agencies-heading", columns: DashboardView.agencyColumns(text), rows: view.agencies, empty: text.noAgencies, total: view.total))
            </section>
            <section aria-labelledby="overdue-heading">
            <h2 id="overdue-heading">\(HTMLText.escape(text.overdueHeading)) (<span id="overdue-count">\(view.overdueCount)</span>)</h2>
            \(table(id: "overdue", headingId: "overdue-heading", columns: DashboardView.overdueColumns(text), rows: view.overdue, empty: text.noOverdue))
            </section>
            <section aria-labelledby="extensions-heading">
            <h2 id="extensions-heading">\(HTMLText.escape(text.extensionsHeading)) (<span id="extension-count">\(view.pendingExtensionCount)</span>)</h2>
            \(table(id: "extensions", headingId: "extensions-heading", columns: DashboardView.extensionColumns(text), rows: view.extensions, empty: text.noExtensions))
            </section>
            <p class="note">\(HTMLText.escape(text.footnote))</p>
            </main>
            </body>
            </html>

            """
    }

    /// The page a request without the right token gets, with status 401.
    static func signIn(_ language: DashboardLanguage) -> String {
        let text = DashboardText.of(language)
        return message(language, title: text.signInTitle, body: text.signInBody)
    }

    /// The page while the figures cannot be read (status 503).
    static func unavailable(_ language: DashboardLanguage) -> String {
        let text = DashboardText.of(language)
        return message(language, title: text.title, body: text.unavailable)
    }

    private static func message(_ language: DashboardLanguage, title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="\(language.rawValue)">
        <head><meta charset="utf-8"><title>\(HTMLText.escape(title))</title></head>
        <body><h1>\(HTMLText.escape(title))</h1><p>\(HTMLText.escape(body))</p></body>
        </html>

        """
    }

    private static func table(
        id: String, headingId: String, columns: [(String, numeric: Bool)], rows: [DashboardView.Row], empty: String,
        total: DashboardView.Row? = nil
    ) -> String {
        var html = "<table id=\"\(id)\" aria-labelledby=\"\(headingId)\" data-empty=\"\(HTMLText.escape(empty))\">\n<thead><tr>"
        html += columns.map { "<th scope=\"col\"\($0.numeric ? " class=\"number\" data-numeric" : "")>\(HTMLText.escape($0.0))</th>" }.joined()
        html += "</tr></thead>\n<tbody>\n"
        if rows.isEmpty {
            html += "<tr><td colspan=\"\(columns.count)\">\(HTMLText.escape(empty))</td></tr>\n"
        }
        for row in rows { html += self.row(row, columns: columns) }
        html += "</tbody>\n"
        if let total { html += "<tfoot>\n" + self.row(total, columns: columns, className: "total") + "</tfoot>\n" }
        return html + "</table>"
    }

    /// The same markup the script writes when it replaces a table's rows.
    private static func row(_ row: DashboardView.Row, columns: [(String, numeric: Bool)], className: String? = nil) -> String {
        let cells = row.cells.enumerated().map { index, cell in
            let numeric = index < columns.count && columns[index].numeric
            let tag = index == 0 ? "th scope=\"row\"" : "td"
            return "<\(tag)\(numeric ? " class=\"number\"" : "")>\(HTMLText.escape(cell))</\(index == 0 ? "th" : "td")>"
        }
        let classAttribute = className.map { " class=\"\($0)\"" } ?? ""
        return "<tr\(classAttribute) data-key=\"\(HTMLText.escape(row.key))\">" + cells.joined() + "</tr>\n"
    }
}
