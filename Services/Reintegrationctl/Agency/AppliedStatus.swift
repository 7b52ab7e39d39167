import Contract
import Foundation
import ReferralDomain
import WorkingCalendar

/// The status the cluster last confirmed for a referral, as `agency update --folder`
/// records it in `statuses/<referralId>.json` of the folder `agency pull` fills:
/// `{"referralId": "…", "status": "completed", "confirmedAt": "2026-06-10T12:00:00+04:00"}`.
/// `agency list` shows it, and does not count a completed or declined referral as overdue.
struct AppliedStatus: Decodable, Sendable, Equatable {
    var referralId: UUID
    var status: ReferralStatus
    /// When the cluster's answer arrived.
    var confirmedAt: Date

    /// The file's body: the id lowercase and the instant in Baku time, as the cluster writes them.
    var body: [UInt8] {
        let object = [
            "referralId": ContractID.text(referralId), "status": status.rawValue,
            "confirmedAt": Timestamp.format(confirmedAt, in: WorkingCalendar.bakuTimeZone),
        ]
        return (try? ContractCoding.encode(object)) ?? []
    }

    /// The body as a recorded status, or nil when it is not a well-formed one.
    static func parse(_ body: [UInt8]) -> AppliedStatus? {
        try? ContractCoding.decode(AppliedStatus.self, from: body)
    }

    /// Whether this should take the place of `recorded`: a referral completed or declined
    /// stays so (the cluster refuses to reopen it), so an older answer that arrives last
    /// never reopens it; the same status again keeps its first confirmation.
    func replaces(_ recorded: AppliedStatus?) -> Bool {
        guard let recorded else { return true }
        return recorded.status.isOpen && recorded.status != status
    }
}
