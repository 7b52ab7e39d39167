import Contract
import Foundation
import NotificationDomain

/// A delivery leased by a worker, with what sending it needs.
struct ClaimedDelivery: Sendable {
    var id: UUID
    var channel: DeliveryChannel
    /// Attempts made before this one.
    var previousAttempts: Int
    /// When the first attempt started: this one's start when there was none before.
    var firstAttemptAt: Date
    var dueAt: Date
    var request: NotificationRequest
    var recipientId: UUID
    var recipientActive: Bool
    var email: String
    var webhookURL: String?
    var webhookSecret: String?
    var language: AlertLanguage
}
