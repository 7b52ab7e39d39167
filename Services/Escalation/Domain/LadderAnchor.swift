/// The referral deadline a ladder step is measured from.
public enum LadderAnchor: String, Sendable, Hashable, Codable, CaseIterable {
    case acknowledgeBy
    case dueBy
}
