import Contract
import Foundation
import NotificationDomain

/// Requests and directory entries shared by the tests.
enum NotificationFixtures {
    static let caseId = UUID(uuidString: "c8f0aa4e-bd5e-4e1f-a7c2-1f0e9d8c7b6a")!
    static let referralId = UUID(uuidString: "5d3c2b1a-0f9e-4d8c-b7a6-e5f4d3c2b1a0")!
    /// 2026-06-01 18:00 in Asia/Baku.
    static let deadline = Date(timeIntervalSince1970: 1_780_322_400)

    static func escalation(step: Int, audiences: [NotificationRequest.Audience], agency: String = "health", key: String? = nil)
        -> NotificationRequest
    {
        NotificationRequest(
            kind: .escalation, deliveryKey: key ?? "escalation:\(referralId.uuidString.lowercased()):\(step):\(UUID().uuidString.prefix(8))",
            audiences: audiences, agency: agency, caseId: caseId, referralId: referralId, step: step, deadline: deadline,
            lateBySeconds: step >= 3 ? 2 * 86_400 + 3 * 3600 : 0, personInitials: "Ə.M.", requestedAt: deadline.addingTimeInterval(3600))
    }

    static func focalPoint(_ email: String, agency: String = "health", language: AlertLanguage = .az, webhook: String? = nil) -> Recipient {
        Recipient(
            name: "Focal point", role: .focalPoint, agencies: [agency], email: email, webhookURL: webhook,
            webhookSecret: webhook == nil ? nil : webhookSecret, language: language)
    }

    static let webhookSecret = "test-secret-0123456789abcdef"
}
