import Contract
import Foundation

/// A stored ladder step of one referral whose moment has come: what the timer fires and
/// the alert it asks the notification service to send.
public struct DueStep: Sendable, Equatable {
    /// A step fired more than this after its moment counts as late (a misfire: the
    /// service was down or overloaded). The timer aims well inside it.
    public static let lateTolerance: TimeInterval = 1

    public var referralId: UUID
    public var caseId: UUID
    public var agency: String
    public var step: Int
    /// When the step was planned to fire.
    public var moment: Date
    /// The deadline the step is about.
    public var deadline: Date
    public var audiences: [NotificationRequest.Audience]
    /// The only personal detail an alert may carry.
    public var personInitials: String?

    public init(
        referralId: UUID, caseId: UUID, agency: String, step: Int, moment: Date, deadline: Date,
        audiences: [NotificationRequest.Audience], personInitials: String?
    ) {
        self.referralId = referralId
        self.caseId = caseId
        self.agency = agency
        self.step = step
        self.moment = moment
        self.deadline = deadline
        self.audiences = audiences
        self.personInitials = personInitials
    }

    /// `escalation:<referralId>:<step>`: the same for every attempt, so the notification
    /// service delivers each (referral, step, recipient) at most once.
    public var deliveryKey: String { "escalation:\(referralId.uuidString.lowercased()):\(step)" }

    /// How long after its moment the step fired (0 when on the dot or early).
    public func delay(firedAt: Date) -> TimeInterval { max(0, firedAt.timeIntervalSince(moment)) }

    /// Whether firing at `firedAt` misses the moment by more than `lateTolerance`.
    public func isLate(firedAt: Date) -> Bool { delay(firedAt: firedAt) > Self.lateTolerance }

    /// Whole seconds past the deadline at `firedAt`; 0 before it (step 2 warns ahead).
    public func secondsPastDeadline(at firedAt: Date) -> Int {
        max(0, Int(firedAt.timeIntervalSince(deadline).rounded(.down)))
    }

    /// The alert for this step, fired at `firedAt`.
    public func notificationRequest(firedAt: Date) -> NotificationRequest {
        NotificationRequest(
            kind: .escalation, deliveryKey: deliveryKey, audiences: audiences, agency: agency, caseId: caseId,
            referralId: referralId, step: step, deadline: deadline, lateBySeconds: secondsPastDeadline(at: firedAt),
            personInitials: personInitials, requestedAt: firedAt)
    }
}
