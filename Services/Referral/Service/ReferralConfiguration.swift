import ReferralDomain
import WorkingCalendar

/// What the referral service reads once at start: its routing policy and the working calendar.
struct ReferralConfiguration: Sendable {
    var policy: ReferralPolicy
    var calendar: WorkingCalendar
}
