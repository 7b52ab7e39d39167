/// What a person does in the reintegration working group; audiences resolve by role.
public enum RecipientRole: String, Sendable, Codable, CaseIterable {
    /// Represents one or more agencies in the working group (escalation step 3).
    case workingGroupMember = "working-group-member"
    /// An agency's contact for its referrals (reminders, steps 1 and 2).
    case focalPoint = "focal-point"
    /// Chairs the working group (step 4).
    case chair
    /// The working group's secretariat (step 4, consent holds).
    case secretariat
    /// Runs the cluster (delivery failure reports).
    case `operator`
}
