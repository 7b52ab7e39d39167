/// Where an outbox message goes: an exchange and a routing key.
public struct OutboxDestination: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var exchange: String
    public var routingKey: String

    public init(exchange: String, routingKey: String) {
        self.exchange = exchange
        self.routingKey = routingKey
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.exchange, lhs.routingKey) < (rhs.exchange, rhs.routingKey)
    }

    /// `exchange "referrals" routing key "labour"`; the default exchange shows as "".
    public var description: String { "exchange \"\(exchange)\" routing key \"\(routingKey)\"" }
}
