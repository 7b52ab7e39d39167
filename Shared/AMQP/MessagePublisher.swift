/// Something that publishes messages with confirms and says what became of each one;
/// `AMQPClient` in services, a stand-in in tests that need a failure at a given message.
public protocol MessagePublisher: Sendable {
    /// One outcome per message, in order. Throws only when nothing could be attempted
    /// (the publisher is closed, or the caller was cancelled before connecting).
    func publish(_ messages: [OutgoingMessage]) async throws -> [PublishOutcome]
}
