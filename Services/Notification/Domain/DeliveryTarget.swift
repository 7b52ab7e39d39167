import Foundation

/// One person on one channel: a delivery to create for a request.
public struct DeliveryTarget: Sendable, Hashable {
    /// The person.
    public var recipientId: UUID
    /// The channel.
    public var channel: DeliveryChannel

    /// Creates a target.
    public init(recipientId: UUID, channel: DeliveryChannel) {
        self.recipientId = recipientId
        self.channel = channel
    }
}
