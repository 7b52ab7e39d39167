import Contract
import WorkingCalendar

/// Which children of a case the child rule covers: family members with relation `child`
/// whose age in whole years on the readmission date (the local day in the calendar's
/// zone, Asia/Baku) is in the policy's range.
struct ChildEligibility: Sendable {
    static let childRelation = "child"

    let ageRange: AgeRange
    let calendar: WorkingCalendar

    func children(of openedCase: CaseOpened) -> [FamilyMember] {
        let readmissionDate = calendar.localDay(of: openedCase.readmittedAt)
        return openedCase.family.filter { member in
            member.relation == Self.childRelation
                && member.birthDate <= readmissionDate
                && ageRange.contains(member.birthDate.years(until: readmissionDate))
        }
    }
}
