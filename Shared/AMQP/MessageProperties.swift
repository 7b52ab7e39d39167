import Foundation

/// The basic properties of a message, as the contract uses them.
public struct MessageProperties: Sendable, Hashable {
    public var contentType: String?
    /// 2 = persistent.
    public var deliveryMode: UInt8?
    public var messageId: String?
    public var type: String?
    public var correlationId: String?
    public var replyTo: String?
    /// Validated by the broker against the publishing connection's user.
    public var userId: String?
    public var appId: String?
    public var timestamp: Date?
    public var headers: [String: AMQPFieldValue]

    public init(
        contentType: String? = nil, deliveryMode: UInt8? = nil, messageId: String? = nil, type: String? = nil,
        correlationId: String? = nil, replyTo: String? = nil, userId: String? = nil, appId: String? = nil,
        timestamp: Date? = nil, headers: [String: AMQPFieldValue] = [:]
    ) {
        self.contentType = contentType
        self.deliveryMode = deliveryMode
        self.messageId = messageId
        self.type = type
        self.correlationId = correlationId
        self.replyTo = replyTo
        self.userId = userId
        self.appId = appId
        self.timestamp = timestamp
        self.headers = headers
    }

    /// Properties of a persistent JSON business message; `userId` must be the publishing
    /// account's name (the broker refuses any other).
    public static func persistentJSON(
        messageId: String, type: String, userId: String? = nil, headers: [String: AMQPFieldValue] = [:]
    ) -> MessageProperties {
        MessageProperties(contentType: "application/json", deliveryMode: 2, messageId: messageId, type: type, userId: userId, headers: headers)
    }
}
