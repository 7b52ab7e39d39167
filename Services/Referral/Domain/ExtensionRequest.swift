import Contract
import Foundation
import StrictJSON
import WorkingCalendar

/// An agency's request for more time (contract v1.1, item 8): a `referral-status.v1` body
/// with `status` `extension-requested`, `requestedDueBy` (a local date in Asia/Baku) and
/// a required `note`:
/// `{"schema": "referral-status.v1", "referralId": "…", "status": "extension-requested",
///   "requestedDueBy": "2026-06-20", "at": "…", "note": "…", "officer": "…"}`.
///
/// It asks; it changes neither the referral's status nor its ladder. The secretariat
/// decides (`reintegrationctl referral extension approve|refuse`).
public struct ExtensionRequest: Sendable, Equatable {
    /// The `status` value that makes a status update an extension request.
    public static let status = "extension-requested"

    public var referralId: UUID
    /// The local date the agency asks the referral to be due by (its end, 23:59:59).
    public var requestedDueBy: CivilDay
    /// When the agency says it asked.
    public var at: Date
    /// Why more time is needed; required. Never quoted in refusals or alerts.
    public var note: String
    public var officer: String?

    public init(referralId: UUID, requestedDueBy: CivilDay, at: Date, note: String, officer: String? = nil) {
        self.referralId = referralId
        self.requestedDueBy = requestedDueBy
        self.at = at
        self.note = note
        self.officer = officer
    }

    /// The request in `body`, or nil when the body is not a `referral-status.v1` object
    /// whose `status` is `extension-requested` (it then goes the way of every status
    /// update, which refuses what is malformed).
    ///
    /// - Throws: `StatusRefusal` (`invalid-field`, naming the field) when it is an extension
    ///   request with a field that breaks its rule.
    public static func parse(_ body: [UInt8]) throws(StatusRefusal) -> ExtensionRequest? {
        guard let object = try? StrictJSONDecoder(maximumSize: maximumBodySize).decodeObject(body),
              case .string(MessageType.referralStatus) = object["schema"],
              case .string(Self.status) = object["status"]
        else { return nil }
        let fields = StatusUpdateFields(object)
        guard let referralId = UUID(uuidString: try fields.requiredString("referralId")) else {
            throw StatusUpdateFields.invalid("referralId", "must be a UUID")
        }
        guard let at = Timestamp.parse(try fields.requiredString("at")) else {
            throw StatusUpdateFields.invalid("at", "must be an RFC 3339 timestamp with offset")
        }
        guard let requestedDueBy = CivilDay(try fields.requiredString("requestedDueBy")) else {
            throw StatusUpdateFields.invalid("requestedDueBy", "must be a date YYYY-MM-DD that exists")
        }
        let note = try fields.optionalString("note", maximumLength: StatusUpdate.maximumNoteLength)
        guard let note, !note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw StatusUpdateFields.invalid("note", "required when the status is extension-requested")
        }
        let officer = try fields.optionalString("officer", maximumLength: StatusUpdate.maximumOfficerLength)
        return ExtensionRequest(referralId: referralId, requestedDueBy: requestedDueBy, at: at, note: note, officer: officer)
    }

    /// What to do with this request for a referral in `status`, due by `dueBy`, with
    /// `pending` the date of a request still waiting for a decision (if any).
    ///
    /// Refused: a closed referral (`invalid-transition`); a date not later than the local
    /// day of the deadline in force (`invalid-field`); another date while a request is
    /// pending (`conflict`: one decision at a time). The same date again while it is
    /// pending is a duplicate, accepted silently.
    public func decide(
        status: ReferralStatus, dueBy: Date, pending: CivilDay?, calendar: WorkingCalendar
    ) -> ExtensionRequestDecision {
        guard status.isOpen else {
            return .refuse(.invalidTransition, detail: "status: the referral is already \(status.rawValue); no extension applies")
        }
        if let pending {
            return pending == requestedDueBy
                ? .duplicate
                : .refuse(.conflict, detail: "requestedDueBy: an extension request for this referral is already waiting for a decision")
        }
        let current = calendar.localDay(of: dueBy)
        guard requestedDueBy > current else {
            return .refuse(.invalidField, detail: "requestedDueBy: must be later than the current dueBy (\(current))")
        }
        return .record
    }
}

/// The outcome of `ExtensionRequest.decide(status:dueBy:pending:calendar:)`.
public enum ExtensionRequestDecision: Sendable, Equatable {
    /// Record the request and tell the secretariat and the chair.
    case record
    /// The same request is already waiting: accept silently, change nothing.
    case duplicate
    /// Refuse it (to `agency.updates.rejected`) with this reason and detail.
    case refuse(RejectionReason, detail: String)
}
