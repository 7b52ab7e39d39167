import Contract
import Foundation
import StrictJSON

/// The `referral-status-outcome.v1` answer to a status update that carries `reply_to`
/// (contract v1.1, item 7):
/// `{"schema": "referral-status-outcome.v1", "referralId": "…", "outcome": "refused",
///   "reason": "invalid-transition", "detail": "…", "status": "in-progress"}`.
///
/// `reason` is present only when refused (the code `agency.updates.rejected` carries);
/// `referralId` when the update named a valid one; `status` is the referral's status
/// after handling, given only to the agency the referral belongs to. `detail` names a
/// field or a status, never a value from the body.
public struct StatusOutcome: Codable, Sendable, Equatable {
    public enum Outcome: String, Codable, Sendable {
        case applied, duplicate, refused
    }

    public var schema = MessageType.referralStatusOutcome
    public var referralId: UUID?
    public var outcome: Outcome
    public var reason: String?
    public var detail: String
    /// A string rather than `ReferralStatus`, so a client reading a newer status still decodes it.
    public var status: String?

    public init(referralId: UUID?, outcome: Outcome, reason: String? = nil, detail: String, status: String? = nil) {
        self.referralId = referralId
        self.outcome = outcome
        self.reason = reason
        self.detail = detail
        self.status = status
    }

    /// The update changed the referral's status.
    public static func applied(_ referralId: UUID, from: ReferralStatus, to: ReferralStatus) -> StatusOutcome {
        StatusOutcome(
            referralId: referralId, outcome: .applied, detail: "status: changed from \(from.rawValue) to \(to.rawValue)",
            status: to.rawValue)
    }

    /// The referral already had the status: accepted, nothing changed.
    public static func duplicate(_ referralId: UUID, status: ReferralStatus) -> StatusOutcome {
        StatusOutcome(
            referralId: referralId, outcome: .duplicate, detail: "status: the referral is already \(status.rawValue); nothing changed",
            status: status.rawValue)
    }

    /// An extension request was recorded; the referral keeps its status and deadline until
    /// the secretariat decides.
    public static func extensionRequested(_ referralId: UUID, until date: String, status: ReferralStatus) -> StatusOutcome {
        StatusOutcome(
            referralId: referralId, outcome: .applied,
            detail: "requestedDueBy: the request for \(date) is recorded; the secretariat decides", status: status.rawValue)
    }

    /// The same extension date is already waiting for a decision: nothing changed.
    public static func extensionPending(_ referralId: UUID, until date: String, status: ReferralStatus) -> StatusOutcome {
        StatusOutcome(
            referralId: referralId, outcome: .duplicate,
            detail: "requestedDueBy: a request for \(date) already waits for a decision; nothing changed", status: status.rawValue)
    }

    /// The update was refused with `reason`; nothing changed.
    public static func refused(_ referralId: UUID?, _ reason: RejectionReason, detail: String) -> StatusOutcome {
        StatusOutcome(referralId: referralId, outcome: .refused, reason: reason.rawValue, detail: detail)
    }

    /// The same message (same `message_id`) delivered again after it was handled: its first
    /// handling stands and nothing happens twice.
    public static func repeated(_ referralId: UUID?, status: String?) -> StatusOutcome {
        StatusOutcome(
            referralId: referralId, outcome: .duplicate,
            detail: "message_id: this update was handled before; nothing changed again", status: status)
    }

    /// The id a body names, when it is a JSON object whose `referralId` is a UUID: a refused
    /// update's outcome still says which referral it was about.
    public static func referralId(in body: [UInt8]) -> UUID? {
        guard let object = try? StrictJSONDecoder(maximumSize: maximumBodySize).decodeObject(body),
              case .string(let text) = object["referralId"]
        else { return nil }
        return UUID(uuidString: text)
    }
}
