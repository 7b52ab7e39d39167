import Foundation

/// One attempt at a delivery: its outcome and the relay's or receiver's reply code, never
/// the address or the message.
public struct DeliveryAttemptRecord: Sendable, Equatable {
    public var deliveryId: UUID
    public var attempt: Int
    public var finishedAt: Date
    /// `sent`, `transient`, `permanent` or `unknown`.
    public var result: String
    public var responseCode: Int?

    public init(deliveryId: UUID, attempt: Int, finishedAt: Date, result: String, responseCode: Int?) {
        self.deliveryId = deliveryId
        self.attempt = attempt
        self.finishedAt = finishedAt
        self.result = result
        self.responseCode = responseCode
    }
}
