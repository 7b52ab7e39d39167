import AMQP
import Contract
import Foundation

extension OutgoingMessage {
    /// The unchanged body of a refused or dead-lettered delivery, with its original
    /// properties and the reason in `x-rejection-reason` / `x-rejection-detail`.
    ///
    /// `user_id` moves to `x-original-user-id`: the broker lets only the original
    /// publisher carry it. A copy of a message without `message_id` gets one.
    public static func rejectedCopy(
        of delivery: Delivery, exchange: String, routingKey: String, reason: RejectionReason, detail: String,
        extraHeaders: [String: AMQPFieldValue] = [:]
    ) -> OutgoingMessage {
        var properties = delivery.properties
        properties.headers[RejectionHeader.reason] = .string(reason.rawValue)
        properties.headers[RejectionHeader.detail] = .string(String(detail.prefix(1000)))
        properties.headers[RejectionHeader.rejectedAt] = .string(Timestamp.format(Date()))
        if let userId = properties.userId {
            properties.headers[RejectionHeader.originalUserId] = .string(userId)
            properties.userId = nil
        }
        if properties.messageId?.isEmpty ?? true { properties.messageId = "refused:\(UUID().uuidString.lowercased())" }
        properties.headers.merge(extraHeaders) { _, new in new }
        return OutgoingMessage(exchange: exchange, routingKey: routingKey, properties: properties, body: delivery.body)
    }
}
