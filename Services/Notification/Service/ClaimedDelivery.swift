import Contract
import Foundation
import NotificationDomain

/// A delivery leased by a worker, with what sending it needs.
struct ClaimedDelivery: Sendable {
    var id: UUID
    var channel: DeliveryChannel
    /// Attempts made before this one.
    var previousAttempts: Int
    /// Of those, the ones that failed on a shared endpoint: they do not use up retries.
    var heldAttempts: Int
    /// When the first attempt started: this one's start when there was none before.
    var firstAttemptAt: Date
    var dueAt: Date
    /// Set when an earlier worker began handing this delivery over and never recorded how
    /// it ended: it may have arrived.
    var inDoubtSince: Date?
    /// The shared endpoint's circuit (`smtp:<host>:<port>`, `webhook:<host>`); nil for a webhook
    /// that was removed from the directory.
    var circuit: String?
    /// This delivery probes its open circuit: its result opens or closes it for everyone.
    var isProbe = false
    var request: NotificationRequest
    var recipientId: UUID
    var recipientActive: Bool
    var email: String
    var webhookURL: String?
    var webhookSecret: String?
    var language: AlertLanguage

    /// The number of this attempt among those that count against the delivery's retries.
    var countedAttempt: Int { previousAttempts - heldAttempts + 1 }
}
