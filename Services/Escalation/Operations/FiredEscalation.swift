import Foundation

/// One ladder step the escalation service fired: who was alerted, and how far the timer
/// missed the planned moment.
public struct FiredEscalation: Sendable, Equatable {
    public var referralId: UUID
    public var agency: String
    public var step: Int
    /// The audiences alerted, as the policy names them (`focal-points`, …).
    public var audiences: [String]
    public var plannedMoment: Date
    public var firedAt: Date
    public var late: Bool
    /// `firedAt - plannedMoment`, in seconds.
    public var delaySeconds: Double

    public init(
        referralId: UUID, agency: String, step: Int, audiences: [String], plannedMoment: Date, firedAt: Date, late: Bool, delaySeconds: Double
    ) {
        self.referralId = referralId
        self.agency = agency
        self.step = step
        self.audiences = audiences
        self.plannedMoment = plannedMoment
        self.firedAt = firedAt
        self.late = late
        self.delaySeconds = delaySeconds
    }
}
