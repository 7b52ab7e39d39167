import Contract
import WorkingCalendar

/// One step of the escalation ladder: when it fires (an offset from a deadline), whom it
/// alerts, and which referral events make it unnecessary.
///
/// Coded as `{"step": 2, "anchor": "dueBy", "offset": {"workingDays": -1},
/// "audiences": ["focal-points"], "cancelledBy": ["completed", "declined"]}`;
/// `cancelledBy` defaults to `completed` and `declined`.
public struct LadderStep: Sendable, Equatable, Codable {
    /// The step number, unique in a ladder, 1 or more.
    public var step: Int
    /// The deadline the offset is counted from.
    public var anchor: LadderAnchor
    /// Working days move the deadline's local day keeping its time of day; seconds are
    /// added to the deadline instant (drills).
    public var offset: WorkingDuration
    /// Whom the step alerts.
    public var audiences: [NotificationRequest.Audience]
    /// Events after which the step no longer fires.
    public var cancelledBy: Set<ReferralEvent.Kind>

    /// The events that close a referral and so stop every step.
    public static let closingEvents: Set<ReferralEvent.Kind> = [.completed, .declined]

    public init(
        step: Int, anchor: LadderAnchor, offset: WorkingDuration, audiences: [NotificationRequest.Audience],
        cancelledBy: Set<ReferralEvent.Kind> = LadderStep.closingEvents
    ) {
        self.step = step
        self.anchor = anchor
        self.offset = offset
        self.audiences = audiences
        self.cancelledBy = cancelledBy
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case step, anchor, offset, audiences, cancelledBy
    }

    public init(from decoder: any Decoder) throws {
        try PolicyDecoding.rejectUnknownKeys(in: decoder, allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        step = try container.decode(Int.self, forKey: .step)
        anchor = try container.decode(LadderAnchor.self, forKey: .anchor)
        offset = try container.decode(WorkingDuration.self, forKey: .offset)
        audiences = try container.decode([NotificationRequest.Audience].self, forKey: .audiences)
        cancelledBy = try container.decodeIfPresent(Set<ReferralEvent.Kind>.self, forKey: .cancelledBy)
            ?? Self.closingEvents
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(step, forKey: .step)
        try container.encode(anchor, forKey: .anchor)
        try container.encode(offset, forKey: .offset)
        try container.encode(audiences, forKey: .audiences)
        try container.encode(ReferralEventKinds.ordered(cancelledBy), forKey: .cancelledBy)
    }
}
