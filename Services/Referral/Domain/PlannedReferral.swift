/// One referral a case needs: the agency and every need of the case routed to it.
public struct PlannedReferral: Sendable, Equatable, Codable {
    /// The agency code (`health`, `local.binagadi`).
    public var agency: String
    /// Deduplicated, in the order the case listed them (the child rule's need last).
    public var needs: [String]

    public init(agency: String, needs: [String]) {
        self.agency = agency
        self.needs = needs
    }
}
