import Foundation

/// A person in the notification directory.
public struct Recipient: Sendable, Equatable, Identifiable {
    /// The directory's key for the person.
    public var id: UUID
    /// A display name for operators; never put into alerts.
    public var name: String
    /// What the person does; audiences resolve by it.
    public var role: RecipientRole
    /// Agency codes the person represents (working-group members) or is a focal point for.
    public var agencies: [String]
    /// Where email alerts go.
    public var email: String
    /// An HTTPS endpoint that receives every alert as signed JSON, when configured.
    public var webhookURL: String?
    /// The HMAC-SHA256 key for `webhookURL`.
    public var webhookSecret: String?
    /// The language alerts are rendered in.
    public var language: AlertLanguage
    /// Inactive people receive nothing new.
    public var active: Bool

    /// Creates a directory entry (validate it with `DirectoryValidation`).
    public init(
        id: UUID = UUID(), name: String, role: RecipientRole, agencies: [String] = [], email: String,
        webhookURL: String? = nil, webhookSecret: String? = nil, language: AlertLanguage = .az, active: Bool = true
    ) {
        self.id = id
        self.name = name
        self.role = role
        self.agencies = agencies
        self.email = email
        self.webhookURL = webhookURL
        self.webhookSecret = webhookSecret
        self.language = language
        self.active = active
    }

    /// The channels this person is reached on: always email, plus the webhook when set.
    public var channels: [DeliveryChannel] {
        webhookURL == nil ? [.email] : [.email, .webhook]
    }
}
