/// How an alert reaches a person.
public enum DeliveryChannel: String, Sendable, Codable, CaseIterable {
    /// SMTP through the configured relay.
    case email
    /// A signed HTTPS POST to the person's endpoint.
    case webhook
}
