import Foundation
import StrictJSON

/// The contract's field rules for `consent.v1`.
struct ConsentRules {
    func validate(_ message: [String: JSONValue], now: Date) -> Checked<ConsentUpdate> {
        var check = FieldChecker(now: now)
        let smsReference = check.smsReference(message["smsReference"], at: "smsReference")
        let dataSharing = check.boolean(message["dataSharing"], at: "dataSharing", required: true)
        let recordedAt = check.timestamp(message["recordedAt"], at: "recordedAt", required: false)
        guard check.problems.isEmpty, let smsReference, let dataSharing else { return .invalid(check.problems) }
        return .valid(ConsentUpdate(smsReference: smsReference, dataSharing: dataSharing, recordedAt: recordedAt))
    }
}
