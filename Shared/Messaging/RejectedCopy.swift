import AMQP
import Contract
import Foundation

extension OutgoingMessage {
    /// The body of a refused or dead-lettered delivery, with its original properties and
    /// the reason in `x-rejection-reason` / `x-rejection-detail`.
    ///
    /// `user_id` moves to `x-original-user-id`: the broker lets only the original
    /// publisher carry it. A copy of a message without `message_id` gets one. The copy
    /// always reaches its queue: a body over `bodyLimit` (64 KiB for refusals; nil keeps a
    /// dead-lettered internal message whole, for replay) is cut to its first `bodyLimit`
    /// bytes (`x-original-size` gives the full size), and original headers too large to
    /// send again with the reasons are dropped (`x-original-headers-dropped` says how many).
    public static func rejectedCopy(
        of delivery: Delivery, exchange: String, routingKey: String, reason: RejectionReason, detail: String,
        extraHeaders: [String: AMQPFieldValue] = [:], bodyLimit: Int? = maximumBodySize
    ) -> OutgoingMessage {
        var properties = delivery.properties
        var ours: [String: AMQPFieldValue] = [
            RejectionHeader.reason: .string(reason.rawValue),
            RejectionHeader.detail: .string(String(detail.prefix(1000))),
            RejectionHeader.rejectedAt: .string(Timestamp.format(Date())),
        ]
        if let userId = properties.userId {
            ours[RejectionHeader.originalUserId] = .string(userId)
            properties.userId = nil
        }
        var body = delivery.body
        if let bodyLimit, body.count > bodyLimit {
            ours[RejectionHeader.originalSize] = .int(Int64(body.count))
            body = Array(body.prefix(bodyLimit))
        }
        ours.merge(extraHeaders) { _, new in new }
        if properties.messageId?.isEmpty ?? true { properties.messageId = "refused:\(UUID().uuidString.lowercased())" }
        let original = properties.headers
        properties.headers = original.merging(ours) { _, new in new }
        var copy = OutgoingMessage(exchange: exchange, routingKey: routingKey, properties: properties, body: body)
        if copy.encodingProblem() != nil {
            let dropped = original.keys.filter { ours[$0] == nil }.count
            copy.properties.headers = ours
            copy.properties.headers[RejectionHeader.originalHeadersDropped] = .int(Int64(dropped))
        }
        return copy
    }
}
