import Contract
import Foundation
import NotificationDomain
import Testing

/// Ids reach people and receivers in one form, RFC 4122's lower case: an officer who
/// searches their system for the id in an email finds the one in the referral message.
@Suite("Identifier spelling in alerts")
struct IdentifierSpellingTests {
    /// Every UUID in `text` written with an upper-case hex digit.
    static func upperCaseIds(in text: String) -> [String] {
        text.matches(of: /[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}/)
            .map { String($0.output) }.filter { $0 != $0.lowercased() }
    }

    @Test("requests, webhook bodies and rendered alerts write ids in lower case", arguments: AlertLanguage.allCases)
    func everyOutputWritesLowerCaseIds(language: AlertLanguage) throws {
        let request = NotificationFixtures.escalation(step: 3, audiences: [.workingGroupMembers])
        let alert = try AlertTemplates.builtIn().render(request, language: language)
        let payload = WebhookPayload(deliveryId: UUID(), request: request, language: language, alert: alert, sentAt: Date())
        let outputs = [
            String(decoding: try ContractCoding.encode(request), as: UTF8.self),
            String(decoding: try payload.encoded(), as: UTF8.self),
            alert.subject, alert.body, alert.html ?? "",
        ]
        for output in outputs {
            #expect(Self.upperCaseIds(in: output).isEmpty, "\(output)")
        }
        #expect(outputs[1].contains(ContractID.text(NotificationFixtures.referralId)))
        #expect(outputs[1].contains(ContractID.text(payload.deliveryId)))
    }

    @Test func requestsAreReadWithIdsInEitherCase() throws {
        let request = NotificationFixtures.escalation(step: 1, audiences: [.focalPoints])
        let lower = String(decoding: try ContractCoding.encode(request), as: UTF8.self)
        let id = ContractID.text(NotificationFixtures.referralId)
        let upper = lower.replacingOccurrences(of: #""referralId":"\#(id)""#, with: #""referralId":"\#(id.uppercased())""#)
        #expect(lower != upper)
        #expect(try ContractCoding.decode(NotificationRequest.self, from: Array(upper.utf8)) == request)
    }
}
