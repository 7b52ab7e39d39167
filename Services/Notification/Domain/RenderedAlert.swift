/// An alert in one person's language, ready for a channel.
public struct RenderedAlert: Sendable, Equatable {
    /// One line, for the email subject.
    public var subject: String
    /// Plain text.
    public var body: String
    /// A complete HTML document (a small table of the facts), when the template has an
    /// HTML section; the email's alternative part.
    public var html: String?

    /// Creates an alert.
    public init(subject: String, body: String, html: String? = nil) {
        self.subject = subject
        self.body = body
        self.html = html
    }
}
