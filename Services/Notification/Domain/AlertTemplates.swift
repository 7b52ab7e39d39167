import Contract
import Foundation
import Mustache

/// The Mustache templates alerts are rendered with, one per request kind and language.
///
/// A template file is `<kind>.<language>.mustache` (e.g. `escalation.az.mustache`): its
/// first line is the subject, the rest after one blank line the plain-text body (nothing
/// is escaped), up to an optional line `--- html ---`; what follows it is the body of
/// the HTML part, where every value is HTML-escaped. The variables are documented in docs/notification.md;
/// they carry the case and referral ids, the agency, the deadline and lateness, and the
/// person's initials: never anything else about the person.
public struct AlertTemplates: Sendable {
    private let templates: [String: MustacheTemplate]
    /// The HTML sections, by file name, of the templates that have one.
    private let htmlTemplates: [String: MustacheTemplate]

    /// The line that starts a template's HTML section.
    public static let htmlSeparator = "--- html ---"

    /// Where the templates came from, for the startup log.
    public let source: String

    /// The shipped templates (`Services/Notification/Templates`), compiled into the binary
    /// as resources so it renders alerts wherever it runs: file name to text.
    public static let builtInTexts: [String: String] = [
        "consent-hold.az.mustache": PackageResources.consent_hold_az_mustache,
        "consent-hold.en.mustache": PackageResources.consent_hold_en_mustache,
        "escalation.az.mustache": PackageResources.escalation_az_mustache,
        "escalation.en.mustache": PackageResources.escalation_en_mustache,
        "extension-requested.az.mustache": PackageResources.extension_requested_az_mustache,
        "extension-requested.en.mustache": PackageResources.extension_requested_en_mustache,
        "operator.az.mustache": PackageResources.operator_az_mustache,
        "operator.en.mustache": PackageResources.operator_en_mustache,
    ].mapValues { bytes in String(decoding: bytes, as: UTF8.self) }

    /// The shipped templates.
    public static func builtIn() throws(AlertTemplateError) -> AlertTemplates {
        try AlertTemplates(texts: builtInTexts, source: "built-in")
    }

    /// Templates from file names to texts (for tests and custom sets).
    public init(texts: [String: String], source: String) throws(AlertTemplateError) {
        var templates: [String: MustacheTemplate] = [:]
        var htmlTemplates: [String: MustacheTemplate] = [:]
        for (name, text) in texts {
            let (plain, html) = Self.sections(of: text)
            do {
                // The text part is plain: Mustache's HTML escaping is switched off for it only.
                templates[name] = try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT}}" + plain)
                if let html { htmlTemplates[name] = try MustacheTemplate(string: html) }
            } catch {
                throw AlertTemplateError(template: name, problem: "does not parse: \(error)")
            }
        }
        for kind in NotificationRequest.Kind.allCases {
            for language in AlertLanguage.allCases where templates[Self.fileName(kind, language)] == nil {
                throw AlertTemplateError(template: Self.fileName(kind, language), problem: "is missing")
            }
        }
        self.templates = templates
        self.htmlTemplates = htmlTemplates
        self.source = source
    }

    /// A file's text section and its HTML section (after the separator line), if any.
    private static func sections(of text: String) -> (plain: String, html: String?) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let index = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == htmlSeparator }) else {
            return (text, nil)
        }
        return (lines[..<index].joined(separator: "\n"), lines[(index + 1)...].joined(separator: "\n"))
    }

    /// The file name of a kind's template in a language.
    public static func fileName(_ kind: NotificationRequest.Kind, _ language: AlertLanguage) -> String {
        "\(kind.rawValue).\(language.rawValue).mustache"
    }

    /// Renders `request` in `language`.
    public func render(_ request: NotificationRequest, language: AlertLanguage) throws(AlertTemplateError) -> RenderedAlert {
        let name = Self.fileName(request.kind, language)
        guard let template = templates[name] else {
            throw AlertTemplateError(template: name, problem: "is missing")
        }
        let context = Self.context(for: request, language: language)
        let text = template.render(context)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let subject = lines.isEmpty ? "" : String(lines.removeFirst()).trimmingCharacters(in: .whitespaces)
        guard !subject.isEmpty else {
            throw AlertTemplateError(template: name, problem: "renders an empty subject (first line)")
        }
        while let first = lines.first, Self.isBlank(first) { lines.removeFirst() }
        let body = Self.collapsingBlankRuns(lines.map(String.init)).joined(separator: "\n")
        let html = htmlTemplates[name].map { template in
            Self.htmlDocument(title: subject, language: language, body: template.render(context))
        }
        return RenderedAlert(subject: subject, body: body.trimmingCharacters(in: .newlines) + "\n", html: html)
    }

    /// The HTML section as a whole document: its title is the subject, escaped here.
    private static func htmlDocument(title: String, language: AlertLanguage, body: String) -> String {
        var escaped = ""
        for character in title {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            default: escaped.append(character)
            }
        }
        let lines = body.split(separator: "\n", omittingEmptySubsequences: true).filter { !Self.isBlank($0) }
        return """
            <!DOCTYPE html>
            <html lang="\(language.rawValue)"><head><meta charset="utf-8"><title>\(escaped)</title></head>
            <body style="font-family: sans-serif">
            \(lines.joined(separator: "\n"))
            </body></html>

            """
    }

    /// The values a template can use.
    static func context(for request: NotificationRequest, language: AlertLanguage) -> [String: Any] {
        var values: [String: Any] = [
            "kind": request.kind.rawValue,
            "deliveryKey": request.deliveryKey,
            "language": language.rawValue,
        ]
        if let caseId = request.caseId { values["caseId"] = ContractID.text(caseId) }
        if let referralId = request.referralId { values["referralId"] = ContractID.text(referralId) }
        if let agency = request.agency { values["agency"] = agency }
        if let initials = request.personInitials { values["initials"] = initials }
        if request.problem == .noRecipient { values["noRecipient"] = true }
        if let deadline = request.deadline { values["deadline"] = AlertFormatting.deadline(deadline) }
        if let requestedDueBy = request.requestedDueBy { values["requestedDueBy"] = requestedDueBy }
        if let step = request.step {
            values["step"] = step
            values["step\(step)"] = true
            values["reminder"] = step <= 2
        }
        if let late = request.lateBySeconds, late > 0 {
            values["late"] = true
            values["lateBy"] = AlertFormatting.lateness(seconds: late, language: language)
        }
        return values
    }

    /// Whether a line holds nothing but spaces and tabs (`CharacterSet.whitespaces`).
    /// Checked in Swift: Foundation's trimming goes through NSString, which showed in the
    /// delivery worker's profile.
    private static func isBlank(_ line: some StringProtocol) -> Bool {
        line.unicodeScalars.allSatisfy { $0 == "\t" || $0.properties.generalCategory == .spaceSeparator }
    }

    /// Sections that render empty leave blank lines behind: keep at most one in a row.
    private static func collapsingBlankRuns(_ lines: [String]) -> [String] {
        var result: [String] = []
        for line in lines {
            let blank = isBlank(line)
            if blank, let last = result.last, last.isEmpty { continue }
            result.append(blank ? "" : line)
        }
        return result
    }
}
