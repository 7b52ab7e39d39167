import Foundation
import WorkingCalendar

/// Computes a referral's deadlines from the agency's profile: a working-day span ends at
/// 23:59:59 local time on the n-th working day after the day of issue; a span in seconds
/// (drills, tests) is counted from the issue instant.
public struct DeadlineCalculator: Sendable {
    public let policy: ReferralPolicy
    public let calendar: WorkingCalendar

    public init(policy: ReferralPolicy = .default, calendar: WorkingCalendar = WorkingCalendar()) {
        self.policy = policy
        self.calendar = calendar
    }

    /// `acknowledgeBy` and `dueBy` for a referral to `agency` issued at `issuedAt`.
    /// `dueBy` is never before `acknowledgeBy`, even when the spans mix units.
    public func deadlines(agency: String, issuedAt: Date) throws(ReferralPolicyError) -> ReferralDeadlines {
        guard let profile = policy.profile(for: agency) else { throw .unknownAgency(code: agency) }
        let acknowledgeBy = calendar.deadline(profile.acknowledgeWithin, after: issuedAt)
        let dueBy = calendar.deadline(profile.completeWithin, after: issuedAt)
        return ReferralDeadlines(acknowledgeBy: acknowledgeBy, dueBy: max(dueBy, acknowledgeBy))
    }
}
