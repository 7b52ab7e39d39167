import Contract

/// Sets of event kinds are written in the contract's order, so encoded policies and
/// plans are stable.
enum ReferralEventKinds {
    static func ordered(_ kinds: Set<ReferralEvent.Kind>) -> [ReferralEvent.Kind] {
        ReferralEvent.Kind.allCases.filter(kinds.contains)
    }
}
