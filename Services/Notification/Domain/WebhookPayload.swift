import Contract
import Foundation

/// The JSON body posted to a webhook, `reintegration-alert.v1`: the request's facts plus
/// the rendered text in the recipient's language.
public struct WebhookPayload: Sendable, Codable, Equatable {
    /// Always `reintegration-alert.v1`.
    public var schema = "reintegration-alert.v1"
    /// Unique per (request, person, webhook): receivers deduplicate on it.
    public var deliveryId: UUID
    /// The request's kind (`escalation`, `consent-hold`, `operator`).
    public var kind: String
    /// The request's key (stable across redeliveries).
    public var deliveryKey: String
    /// The language of `subject` and `text`.
    public var language: String
    /// The case, when the request names one.
    public var caseId: UUID?
    /// The referral, when the request names one.
    public var referralId: UUID?
    /// The agency code, when the request names one.
    public var agency: String?
    /// The escalation step (1–4).
    public var step: Int?
    /// The deadline concerned.
    public var deadline: Date?
    /// Seconds past the deadline when the request was made.
    public var lateBySeconds: Int?
    /// The person's initials: the only personal detail an alert carries.
    public var personInitials: String?
    /// The rendered subject line.
    public var subject: String
    /// The rendered plain-text body.
    public var text: String
    /// When the post was made (also in the signature's timestamp).
    public var sentAt: Date

    /// Builds the payload of one delivery.
    public init(deliveryId: UUID, request: NotificationRequest, language: AlertLanguage, alert: RenderedAlert, sentAt: Date) {
        self.deliveryId = deliveryId
        self.kind = request.kind.rawValue
        self.deliveryKey = request.deliveryKey
        self.language = language.rawValue
        self.caseId = request.caseId
        self.referralId = request.referralId
        self.agency = request.agency
        self.step = request.step
        self.deadline = request.deadline
        self.lateBySeconds = request.lateBySeconds
        self.personInitials = request.personInitials
        self.subject = alert.subject
        self.text = alert.body
        self.sentAt = sentAt
    }

    /// The body bytes, in the contract's JSON coding (sorted keys, RFC 3339 dates).
    public func encoded() throws -> [UInt8] {
        try ContractCoding.encode(self)
    }
}
