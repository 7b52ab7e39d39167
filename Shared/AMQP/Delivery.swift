/// A message received from a queue. Acknowledge it through the client that consumed it,
/// after its effect is durable; an unacknowledged delivery is redelivered.
public struct Delivery: Sendable {
    public var deliveryTag: UInt64
    public var redelivered: Bool
    public var exchange: String
    public var routingKey: String
    public var properties: MessageProperties
    public var body: [UInt8]
    /// The connection the delivery came on: a tag means nothing on another connection.
    let connection: ConnectionLoop

    /// How many times the broker delivered this message before (quorum queues count it in
    /// the `x-delivery-count` header; 0 on the first delivery).
    public var previousDeliveries: Int {
        if let count = properties.headers["x-delivery-count"]?.intValue { return Int(count) }
        return redelivered ? 1 : 0
    }
}
