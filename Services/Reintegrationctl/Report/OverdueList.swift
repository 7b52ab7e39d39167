import Foundation
import ReferralDomain
import ReferralOperations
import WorkingCalendar

/// The open referrals past a deadline at one moment, grouped by agency.
struct OverdueList: Sendable, Equatable {
    /// Which deadline a referral has missed.
    enum MissedDeadline: String, Sendable, Encodable {
        /// Still `issued` after acknowledge-by.
        case acknowledge = "not acknowledged"
        /// Not completed after due-by (takes precedence: it is the later, graver miss).
        case complete = "not completed"
    }

    struct Entry: Sendable, Equatable, Encodable {
        /// Lowercase, as the database writes them.
        var referralId: String
        var caseId: String
        var agency: String
        /// The person's initials from the case, when it has a name.
        var personInitials: String?
        var status: ReferralStatus
        var missed: MissedDeadline
        var deadline: Date
        /// Working days from the deadline's local day to today's (0 when it passed today).
        var workingDaysLate: Int
    }

    struct AgencyGroup: Sendable, Equatable, Encodable {
        var agency: String
        var referrals: [Entry]
    }

    let asOf: Date
    /// Agencies by code; within each, the most working days late first.
    let groups: [AgencyGroup]

    init(records: [ReferralRecord], asOf: Date, calendar: WorkingCalendar) {
        self.asOf = asOf
        let entries = records.compactMap { record -> Entry? in
            guard let (missed, deadline) = Self.missedDeadline(of: record, asOf: asOf) else { return nil }
            return Entry(
                referralId: OperatorTime.identifier(record.referralId), caseId: OperatorTime.identifier(record.caseId), agency: record.agency,
                personInitials: record.personInitials, status: record.status,
                missed: missed, deadline: deadline, workingDaysLate: calendar.workingDays(from: deadline, to: asOf))
        }
        let byAgency = Dictionary(grouping: entries, by: \.agency)
        groups = byAgency.keys.sorted().map { agency in
            AgencyGroup(agency: agency, referrals: (byAgency[agency] ?? []).sorted {
                $0.workingDaysLate != $1.workingDaysLate ? $0.workingDaysLate > $1.workingDaysLate : $0.deadline < $1.deadline
            })
        }
    }

    var count: Int { groups.reduce(0) { $0 + $1.referrals.count } }

    /// The deadline an open referral has missed at `asOf`, or nil when it is in time (or closed).
    static func missedDeadline(of record: ReferralRecord, asOf: Date) -> (MissedDeadline, Date)? {
        guard record.status.isOpen else { return nil }
        if asOf > record.dueBy { return (.complete, record.dueBy) }
        if record.status == .issued, asOf > record.acknowledgeBy { return (.acknowledge, record.acknowledgeBy) }
        return nil
    }
}
