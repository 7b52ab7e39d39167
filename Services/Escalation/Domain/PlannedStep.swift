import Contract
import Foundation

/// A ladder step planned for one referral: the snapshot the escalation service stores
/// when the referral is issued, so later policy changes do not rewrite open ladders.
public struct PlannedStep: Sendable, Equatable, Codable {
    /// The ladder step, 1-4 by default.
    public var step: Int
    /// When the step fires, unless an event in `cancelledBy` came first.
    public var moment: Date
    /// The deadline the step is about (`acknowledgeBy` or `dueBy`), for the alert's
    /// "deadline and how late" text.
    public var deadline: Date
    /// Whom the notification service alerts.
    public var audiences: [NotificationRequest.Audience]
    /// Events after which the step no longer fires.
    public var cancelledBy: Set<ReferralEvent.Kind>

    public init(
        step: Int, moment: Date, deadline: Date, audiences: [NotificationRequest.Audience],
        cancelledBy: Set<ReferralEvent.Kind>
    ) {
        self.step = step
        self.moment = moment
        self.deadline = deadline
        self.audiences = audiences
        self.cancelledBy = cancelledBy
    }

    /// Whether `event` stops this step.
    public func isCancelled(by event: ReferralEvent.Kind) -> Bool { cancelledBy.contains(event) }

    private enum CodingKeys: String, CodingKey {
        case step, moment, deadline, audiences, cancelledBy
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        step = try container.decode(Int.self, forKey: .step)
        moment = try container.decode(Date.self, forKey: .moment)
        deadline = try container.decode(Date.self, forKey: .deadline)
        audiences = try container.decode([NotificationRequest.Audience].self, forKey: .audiences)
        cancelledBy = try container.decode(Set<ReferralEvent.Kind>.self, forKey: .cancelledBy)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(step, forKey: .step)
        try container.encode(moment, forKey: .moment)
        try container.encode(deadline, forKey: .deadline)
        try container.encode(audiences, forKey: .audiences)
        try container.encode(ReferralEventKinds.ordered(cancelledBy), forKey: .cancelledBy)
    }
}
