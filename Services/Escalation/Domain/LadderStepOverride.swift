import Contract
import WorkingCalendar

/// Changes to one step of the ladder for one agency; keys left out keep the step's
/// setting. Coded as `{"step": 2, "offset": {"seconds": -10}}`. A `LadderStep` is coded
/// through this type too, with every key set.
public struct LadderStepOverride: Sendable, Equatable, Codable {
    public var step: Int
    public var anchor: LadderAnchor?
    public var offset: WorkingDuration?
    public var audiences: [NotificationRequest.Audience]?
    public var cancelledBy: Set<ReferralEvent.Kind>?

    public init(
        step: Int, anchor: LadderAnchor? = nil, offset: WorkingDuration? = nil,
        audiences: [NotificationRequest.Audience]? = nil, cancelledBy: Set<ReferralEvent.Kind>? = nil
    ) {
        self.step = step
        self.anchor = anchor
        self.offset = offset
        self.audiences = audiences
        self.cancelledBy = cancelledBy
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case step, anchor, offset, audiences, cancelledBy
    }

    public init(from decoder: any Decoder) throws {
        try PolicyDecoding.rejectUnknownKeys(in: decoder, allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        step = try container.decode(Int.self, forKey: .step)
        anchor = try container.decodeIfPresent(LadderAnchor.self, forKey: .anchor)
        offset = try container.decodeIfPresent(WorkingDuration.self, forKey: .offset)
        audiences = try container.decodeIfPresent([NotificationRequest.Audience].self, forKey: .audiences)
        cancelledBy = try container.decodeIfPresent(Set<ReferralEvent.Kind>.self, forKey: .cancelledBy)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(step, forKey: .step)
        try container.encodeIfPresent(anchor, forKey: .anchor)
        try container.encodeIfPresent(offset, forKey: .offset)
        try container.encodeIfPresent(audiences, forKey: .audiences)
        try container.encodeIfPresent(cancelledBy.map(ReferralEventKinds.ordered), forKey: .cancelledBy)
    }

    func applied(to base: LadderStep) -> LadderStep {
        var step = base
        if let anchor { step.anchor = anchor }
        if let offset { step.offset = offset }
        if let audiences { step.audiences = audiences }
        if let cancelledBy { step.cancelledBy = cancelledBy }
        return step
    }
}
