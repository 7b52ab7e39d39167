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

    /// Decoded as an override of nothing: the same keys, with every one but `cancelledBy` required.
    public init(from decoder: any Decoder) throws {
        let fields = try LadderStepOverride(from: decoder)
        func required<Value>(_ value: Value?, _ key: LadderStepOverride.CodingKeys) throws -> Value {
            guard let value else {
                throw DecodingError.keyNotFound(key, DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "is required"))
            }
            return value
        }
        self.init(
            step: fields.step, anchor: try required(fields.anchor, .anchor), offset: try required(fields.offset, .offset),
            audiences: try required(fields.audiences, .audiences), cancelledBy: fields.cancelledBy ?? Self.closingEvents)
    }

    /// Encoded as an override that sets every key.
    public func encode(to encoder: any Encoder) throws {
        try LadderStepOverride(step: step, anchor: anchor, offset: offset, audiences: audiences, cancelledBy: cancelledBy)
            .encode(to: encoder)
    }
}
