import WorkingCalendar

/// How the referral service treats one agency: its names, what it may see about the
/// person, and its deadlines.
public struct AgencyProfile: Sendable, Equatable, Codable {
    /// The agency's name in each language alerts and reports are written in.
    public struct Names: Sendable, Equatable, Codable {
        public var az: String
        public var en: String

        public init(az: String, en: String) {
            self.az = az
            self.en = en
        }
    }

    /// Display names; a district-authority template may use `{district}`.
    public var names: Names
    /// The `referral.v1` fields the agency receives; anything else is left out.
    public var fields: [ReferralField]
    /// Acknowledge within this span of issue (`acknowledgeBy`).
    public var acknowledgeWithin: WorkingDuration
    /// Complete within this span of issue (`dueBy`).
    public var completeWithin: WorkingDuration

    public init(
        names: Names,
        fields: [ReferralField] = ReferralField.personBlock,
        acknowledgeWithin: WorkingDuration = AgencyProfile.contractAcknowledgeWithin,
        completeWithin: WorkingDuration = AgencyProfile.contractCompleteWithin
    ) {
        self.names = names
        self.fields = fields
        self.acknowledgeWithin = acknowledgeWithin
        self.completeWithin = completeWithin
    }

    /// The contract's default: acknowledge within 2 working days of issue.
    public static let contractAcknowledgeWithin = WorkingDuration.workingDays(2)
    /// The contract's default: complete within 10 working days of issue.
    public static let contractCompleteWithin = WorkingDuration.workingDays(10)

    /// Whether the agency may receive `field`.
    public func receives(_ field: ReferralField) -> Bool { fields.contains(field) }
}
