/// An alert in one person's language, ready for a channel.
public struct RenderedAlert: Sendable, Equatable {
    /// One line, for the email subject.
    public var subject: String
    /// Plain text.
    public var body: String

    /// Creates an alert.
    public init(subject: String, body: String) {
        self.subject = subject
        self.body = body
    }
}
