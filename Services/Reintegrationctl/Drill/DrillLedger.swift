import Foundation
import Synchronization

/// What the fault drill's SMS system and agencies did, kept in memory for the
/// reconciliation: only synthetic references and identifiers, no personal data.
final class DrillLedger: AgencyObserver {
    struct Entries: Sendable {
        /// SMS reference → when the broker confirmed the record, and whether it was valid.
        var records: [String: (sentAt: Date, valid: Bool)] = [:]
        /// Referral id → its agency and when it first reached it.
        var firstReceipts: [String: (agency: String, at: Date)] = [:]
        /// Referral message id → how many times its agency received it.
        var deliveries: [String: Int] = [:]
        /// Message id of every confirmed status update → its referral and status.
        var answers: [String: (referralId: String, status: String)] = [:]
    }

    private let entries = Mutex(Entries())

    var snapshot: Entries { entries.withLock { $0 } }

    func sent(smsReference: String, valid: Bool, at: Date) {
        entries.withLock { $0.records[smsReference] = (at, valid) }
    }

    func received(agency: String, referralId: String, messageId: String, at: Date) {
        entries.withLock { entries in
            let referralId = referralId.lowercased()
            if entries.firstReceipts[referralId] == nil { entries.firstReceipts[referralId] = (agency, at) }
            entries.deliveries[messageId, default: 0] += 1
        }
    }

    func answered(agency: String, referralId: String, messageId: String, status: String) {
        entries.withLock { $0.answers[messageId] = (referralId.lowercased(), status) }
    }
}
