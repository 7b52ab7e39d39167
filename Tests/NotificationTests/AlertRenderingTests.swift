import Contract
import Foundation
import NotificationDomain
import Testing
@testable import Notification

@Suite("Alerts render per kind and language, with initials only")
struct AlertRenderingTests {
    let templates: AlertTemplates

    init() throws {
        templates = try AlertTemplates.builtIn()
    }

    @Test func englishEscalationNamesCaseReferralAgencyDeadlineAndLateness() throws {
        let alert = try templates.render(NotificationFixtures.escalation(step: 3, audiences: [.workingGroupMembers]), language: .en)
        #expect(alert.subject.hasPrefix("[Reintegration] health: 2 days 3 hours late (alert, step 3)"), "the agency and how late first")
        #expect(alert.subject.hasSuffix("referral \(ContractID.text(NotificationFixtures.referralId))"))
        #expect(alert.body.contains("Case:      \(ContractID.text(NotificationFixtures.caseId))"))
        #expect(alert.body.contains("Deadline:  2026-06-01 18:00 +04:00 (Asia/Baku)"))
        #expect(alert.body.contains("Person:    Ə.M."))
        #expect(alert.body.contains("passed its completion deadline"))
        #expect(!alert.body.contains("acknowledgement deadline"))
    }

    @Test func azerbaijaniReminderIsInAzerbaijani() throws {
        let alert = try templates.render(NotificationFixtures.escalation(step: 1, audiences: [.focalPoints]), language: .az)
        #expect(alert.subject.hasPrefix("[Reinteqrasiya] health: son müddət 2026-06-01 18:00 +04:00 (xatırlatma, addım 1)"))
        #expect(alert.body.contains("təsdiq müddəti keçib"))
        #expect(alert.body.contains("Son müddət:    2026-06-01 18:00 +04:00 (Bakı vaxtı)"))
        #expect(alert.html?.contains("<th align=\"left\">Son müddət</th><td>2026-06-01 18:00 +04:00 (Bakı vaxtı)</td>") == true)
        #expect(!alert.body.contains("Gecikmə"))
    }

    @Test(arguments: NotificationRequest.Kind.allCases, AlertLanguage.allCases)
    func everyKindRendersInEveryLanguage(kind: NotificationRequest.Kind, language: AlertLanguage) throws {
        var request = NotificationFixtures.escalation(step: 2, audiences: [.operators])
        request.kind = kind
        let alert = try templates.render(request, language: language)
        #expect(!alert.subject.isEmpty && !alert.subject.contains("\n"))
        #expect(!alert.body.contains("{{") && !alert.body.contains("&#"))
    }

    @Test("operator reports say what went wrong: a delivery given up, or an alert that reached nobody", arguments: AlertLanguage.allCases)
    func operatorReportsNameTheirProblem(language: AlertLanguage) throws {
        var failed = NotificationFixtures.escalation(step: 3, audiences: [.operators])
        failed.kind = .operatorReport
        failed.problem = .deliveryFailed
        var nobody = failed
        nobody.problem = .noRecipient
        let failedAlert = try templates.render(failed, language: language)
        let nobodyAlert = try templates.render(nobody, language: language)
        #expect(failedAlert.subject != nobodyAlert.subject)
        #expect(failedAlert.body.contains("delivery_attempts"))
        #expect(nobodyAlert.body.contains("reintegrationctl directory"))
        #expect(!nobodyAlert.body.contains("delivery_attempts"))
        // A report from before the problem was named reads as a failed delivery.
        failed.problem = nil
        #expect(try templates.render(failed, language: language) == failedAlert)
    }

    @Test("an extension request names the deadline in force and the date asked for, the person by initials only", arguments: AlertLanguage.allCases)
    func extensionRequestNamesBothDates(language: AlertLanguage) throws {
        let request = NotificationRequest(
            kind: .extensionRequested, deliveryKey: "extension-requested:7", audiences: [.secretariat, .chair], agency: "health",
            caseId: NotificationFixtures.caseId, referralId: NotificationFixtures.referralId, deadline: NotificationFixtures.deadline,
            personInitials: "Ə.M.", requestedDueBy: "2026-06-19", requestedAt: NotificationFixtures.deadline)
        let alert = try templates.render(request, language: language)
        let text = alert.subject + "\n" + alert.body + (alert.html ?? "")
        #expect(alert.subject.hasPrefix(language == .en ? "[Reintegration] health asks to extend" : "[Reinteqrasiya] health"))
        #expect(alert.subject.contains("2026-06-19"))
        #expect(alert.body.contains("2026-06-01 18:00 +04:00"))
        #expect(alert.body.contains("Ə.M."))
        #expect(alert.body.contains(ContractID.text(NotificationFixtures.referralId)))
        #expect(alert.body.contains(language == .en ? "Date requested:  2026-06-19" : "İstənilən tarix:  2026-06-19"))
        #expect(alert.body.contains("reintegrationctl referral extension"))
        for word in ["Məmmədov", "Əli", "1990", "5ABC1D2", "+994"] {
            #expect(!text.contains(word))
        }
    }

    /// Whatever the request carries, the output must not look like it names the person.
    @Test(arguments: AlertLanguage.allCases)
    func renderedOutputHasNoPersonalDataBeyondInitials(language: AlertLanguage) throws {
        for step in 1...4 {
            let request = NotificationFixtures.escalation(step: step, audiences: [.focalPoints])
            let alert = try templates.render(request, language: language)
            let text = alert.subject + "\n" + alert.body
            #expect(text.contains("Ə.M."))
            // Ids are not personal data: take them out, then look for anything number-like.
            let withoutIds = text.replacingOccurrences(
                of: "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", with: "<id>", options: .regularExpression)
            let finLike = withoutIds.matches(of: /\b[0-9A-Z]{7}\b/).map { String($0.output) }.filter { $0.contains(where: \.isNumber) }
            #expect(finLike.isEmpty, "FIN-like tokens: \(finLike)")
            #expect(withoutIds.range(of: "\\+?[0-9][0-9 ]{7,}[0-9]", options: .regularExpression) == nil, "phone-like digits")
            let dates = withoutIds.matches(of: /\d{4}-\d{2}-\d{2}|\d{2}\.\d{2}\.\d{4}/).map { String($0.output) }
            #expect(dates.allSatisfy { $0 == "2026-06-01" }, "only the deadline's date may appear: \(dates)")
            for word in ["notes", "health, employment", "Məmmədov", "Əli", "1990"] {
                #expect(!text.contains(word))
            }
        }
    }

    /// The built-in set is compiled from these files; read back from the folder, as an
    /// operator's directory is, they render the same.
    @Test func shippedTemplateFolderLoadsAsTheBuiltInSet() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Services/Notification/Templates").standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".mustache") }
        #expect(files.count == NotificationRequest.Kind.allCases.count * AlertLanguage.allCases.count)
        let fromFiles = try AlertTemplates.load(directory: folder.path)
        let builtIn = try AlertTemplates.builtIn()
        for kind in NotificationRequest.Kind.allCases {
            for language in AlertLanguage.allCases {
                let request = NotificationFixtures.escalation(step: 3, audiences: [.chair])
                var copy = request
                copy.kind = kind
                #expect(try fromFiles.render(copy, language: language) == builtIn.render(copy, language: language))
            }
        }
        #expect(fromFiles.source == folder.path)
    }

    @Test func anEditedTemplateIsUsedAndABrokenOneRefusedAtLoad() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("templates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "Custom {{agency}}\n\nBody for {{initials}}\n".write(
            to: folder.appendingPathComponent("escalation.en.mustache"), atomically: true, encoding: .utf8)
        let edited = try AlertTemplates.load(directory: folder.path)
        let alert = try edited.render(NotificationFixtures.escalation(step: 1, audiences: [.focalPoints]), language: .en)
        #expect(alert == RenderedAlert(subject: "Custom health", body: "Body for Ə.M.\n"))
        try "{{#broken}}\n".write(to: folder.appendingPathComponent("operator.az.mustache"), atomically: true, encoding: .utf8)
        #expect(throws: AlertTemplateError.self) { try AlertTemplates.load(directory: folder.path) }
    }

    @Test("the HTML part is a small table from the same template, its values escaped", arguments: AlertLanguage.allCases)
    func htmlPartIsATableWithEscapedValues(language: AlertLanguage) throws {
        var request = NotificationFixtures.escalation(step: 3, audiences: [.workingGroupMembers])
        request.personInitials = "<b>&"
        let alert = try templates.render(request, language: language)
        let html = try #require(alert.html)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("<html lang=\"\(language.rawValue)\">"))
        #expect(html.contains("<table") && html.contains(ContractID.text(NotificationFixtures.referralId)))
        #expect(html.contains("&lt;b&gt;&amp;") && !html.contains("<b>&"))
        #expect(alert.body.contains("<b>&"), "the text part is not escaped")
        #expect(html.contains("2026-06-01 18:00 +04:00"))
        for kind in NotificationRequest.Kind.allCases {
            request.kind = kind
            #expect(try templates.render(request, language: language).html?.contains("</table>") == true)
        }
    }

    @Test func latenessReadsInWords() {
        #expect(AlertFormatting.lateness(seconds: 45 * 60, language: .en) == "45 minutes")
        #expect(AlertFormatting.lateness(seconds: 86_400 + 3600, language: .en) == "1 day 1 hour")
        #expect(AlertFormatting.lateness(seconds: 3 * 86_400, language: .az) == "3 gün")
    }
}
