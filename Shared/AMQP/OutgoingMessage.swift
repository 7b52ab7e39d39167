/// A message to publish. Published as `mandatory`: an unroutable message comes back as
/// `.returned` instead of vanishing.
public struct OutgoingMessage: Sendable, Hashable {
    public var exchange: String
    public var routingKey: String
    public var properties: MessageProperties
    public var body: [UInt8]
    public var mandatory: Bool

    public init(exchange: String, routingKey: String, properties: MessageProperties, body: [UInt8], mandatory: Bool = true) {
        self.exchange = exchange
        self.routingKey = routingKey
        self.properties = properties
        self.body = body
        self.mandatory = mandatory
    }
}

/// What became of one published message.
public enum PublishOutcome: Sendable, Hashable, CustomStringConvertible {
    /// Confirmed: the broker has it (for quorum queues, on a majority).
    case confirmed
    /// Unroutable: no queue was bound for it.
    case returned(code: Int, text: String)
    /// The broker could not take it (e.g. a queue refusing publishes when full).
    case nacked
    /// The broker closed the channel over it (e.g. 404 no such exchange, 403 access
    /// refused): not taken, and refused again until the cause is mended.
    case refused(code: Int, text: String)
    /// The client cannot put it into frames (e.g. headers larger than a frame): it was
    /// never sent, and sending it again would fail the same way.
    case unencodable(reason: String)
    /// No answer came: the connection failed, the time limit passed or the caller was
    /// cancelled. The broker may or may not have it; publish it again (receivers deduplicate).
    case unconfirmed(AMQPError)

    public var description: String {
        switch self {
        case .confirmed: "confirmed"
        case .returned(let code, let text): "returned \(code) \(text)"
        case .nacked: "nacked"
        case .refused(let code, let text): "refused \(code) \(text)"
        case .unencodable(let reason): "unencodable: \(reason)"
        case .unconfirmed(let error): "unconfirmed: \(error)"
        }
    }
}
