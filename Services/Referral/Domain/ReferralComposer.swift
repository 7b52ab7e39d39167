import Contract
import Foundation
import WorkingCalendar

/// Builds the `referral.v1` body for one planned referral, minimising data: only the
/// agency's allowed person fields, children (aged in the policy's range on the
/// readmission date) only where allowed, and only the needs routed to that agency.
/// A case carries no notes, agreement or border point, so none can leak from here.
public struct ReferralComposer: Sendable {
    public let policy: ReferralPolicy
    public let calendar: WorkingCalendar

    public init(policy: ReferralPolicy = .default, calendar: WorkingCalendar = WorkingCalendar()) {
        self.policy = policy
        self.calendar = calendar
    }

    /// The message for `referral` of `openedCase`, issued at `issuedAt`. Needs that the
    /// policy does not route to `referral.agency` are dropped even if the plan lists them.
    public func compose(
        referralId: UUID, for openedCase: CaseOpened, referral: PlannedReferral, issuedAt: Date
    ) throws(ReferralPolicyError) -> ReferralMessage {
        guard let profile = policy.profile(for: referral.agency) else { throw .unknownAgency(code: referral.agency) }
        let deadlines = try DeadlineCalculator(policy: policy, calendar: calendar)
            .deadlines(agency: referral.agency, issuedAt: issuedAt)
        let district = openedCase.person.district
        let needs = referral.needs.filter { policy.agency(for: $0, district: district) == referral.agency }
        var children: [ReferralMessage.Child] = []
        if profile.receives(.children) {
            children = ChildEligibility(ageRange: policy.childAgeRange, calendar: calendar)
                .children(of: openedCase)
                .map { ReferralMessage.Child(firstName: $0.firstName, birthDate: $0.birthDate) }
        }
        return ReferralMessage(
            referralId: referralId, caseId: openedCase.caseId, agency: referral.agency, needs: needs,
            issuedAt: issuedAt, acknowledgeBy: deadlines.acknowledgeBy, dueBy: deadlines.dueBy,
            person: Self.person(openedCase.person, fields: profile.fields), children: children,
            timeZone: calendar.timeZone
        )
    }

    static func person(_ details: PersonDetails, fields: [ReferralField]) -> ReferralMessage.Person {
        func allowed<Value>(_ field: ReferralField, _ value: Value?) -> Value? {
            fields.contains(field) ? value : nil
        }
        return ReferralMessage.Person(
            personalId: allowed(.personalId, details.personalId),
            firstName: allowed(.firstName, details.firstName),
            lastName: allowed(.lastName, details.lastName),
            patronymic: allowed(.patronymic, details.patronymic),
            birthDate: allowed(.birthDate, details.birthDate),
            sex: allowed(.sex, details.sex),
            phone: allowed(.phone, details.phone),
            district: allowed(.district, details.district),
            addressLine: allowed(.addressLine, details.addressLine)
        )
    }
}
