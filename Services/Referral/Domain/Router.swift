import Contract
import WorkingCalendar

/// Decides which agencies a new case is referred to.
///
/// Each need goes where the policy routes it; a child in the age range on the
/// readmission date adds the child need (education); every case is referred to its
/// district authority, with no needs when none is routed there. At most one referral
/// per agency. Needs the policy does not route are left out.
public struct Router: Sendable {
    public let policy: ReferralPolicy
    public let calendar: WorkingCalendar

    public init(policy: ReferralPolicy = .default, calendar: WorkingCalendar = WorkingCalendar()) {
        self.policy = policy
        self.calendar = calendar
    }

    /// The referrals for `openedCase`, agencies in the order their first need appears,
    /// the district authority last unless a need put it earlier.
    public func plan(for openedCase: CaseOpened) -> [PlannedReferral] {
        var needs: [String] = []
        for need in openedCase.needs where !needs.contains(need) { needs.append(need) }
        let children = ChildEligibility(ageRange: policy.childAgeRange, calendar: calendar).children(of: openedCase)
        if !children.isEmpty, !needs.contains(policy.childNeed) { needs.append(policy.childNeed) }

        let district = openedCase.person.district
        var referrals: [PlannedReferral] = []
        for need in needs {
            guard let agency = policy.agency(for: need, district: district) else { continue }
            if let index = referrals.firstIndex(where: { $0.agency == agency }) {
                referrals[index].needs.append(need)
            } else {
                referrals.append(PlannedReferral(agency: agency, needs: [need]))
            }
        }
        let authority = ReferralPolicy.districtAuthorityCode(of: district)
        if !referrals.contains(where: { $0.agency == authority }) {
            referrals.append(PlannedReferral(agency: authority, needs: []))
        }
        return referrals
    }
}
