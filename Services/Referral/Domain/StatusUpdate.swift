import Contract
import Foundation
import StrictJSON

/// A `referral-status.v1` body from an agency:
/// `{"schema": "referral-status.v1", "referralId": "…", "status": "acknowledged",
///   "at": "2026-06-03T10:00:00+04:00", "note": "…", "officer": "…"}`.
public struct StatusUpdate: Sendable, Equatable {
    public static let maximumNoteLength = 4000
    public static let maximumOfficerLength = 200

    /// The referral the update is about.
    public var referralId: UUID
    public var status: ReferralStatus
    /// When the agency says the change happened.
    public var at: Date
    /// Free text; required for `declined`. Never quoted in refusals.
    public var note: String?
    /// Who at the agency made the change.
    public var officer: String?

    public init(referralId: UUID, status: ReferralStatus, at: Date, note: String? = nil, officer: String? = nil) {
        self.referralId = referralId
        self.status = status
        self.at = at
        self.note = note
        self.officer = officer
    }

    /// A note with something other than white space in it.
    public var hasNote: Bool {
        note.map { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty } ?? false
    }

    /// Parses and checks a body: the strict decoding every message gets (at most 64 KiB,
    /// UTF-8, a JSON object, no duplicated key, bounded nesting), then the right schema and
    /// valid fields (`note` required for `declined`). Unknown keys are ignored.
    public static func parse(_ body: [UInt8]) throws(StatusRefusal) -> StatusUpdate {
        let object: [String: JSONValue]
        do {
            object = try StrictJSONDecoder(maximumSize: maximumBodySize).decodeObject(body)
        } catch {
            throw StatusRefusal(reason: error.rejectionReason, detail: error.description)
        }
        guard case .string(MessageType.referralStatus) = object["schema"] else {
            throw StatusRefusal(reason: .unknownSchema, detail: "schema: expected \(MessageType.referralStatus)")
        }
        let fields = StatusUpdateFields(object)
        guard let referralId = UUID(uuidString: try fields.requiredString("referralId")) else {
            throw StatusUpdateFields.invalid("referralId", "must be a UUID")
        }
        guard let status = ReferralStatus(rawValue: try fields.requiredString("status")) else {
            let allowed = ReferralStatus.allCases.map(\.rawValue).joined(separator: ", ")
            throw StatusUpdateFields.invalid("status", "must be one of \(allowed)")
        }
        guard let at = Timestamp.parse(try fields.requiredString("at")) else {
            throw StatusUpdateFields.invalid("at", "must be an RFC 3339 timestamp with offset")
        }
        let note = try fields.optionalString("note", maximumLength: maximumNoteLength)
        let officer = try fields.optionalString("officer", maximumLength: maximumOfficerLength)
        let update = StatusUpdate(referralId: referralId, status: status, at: at, note: note, officer: officer)
        if status == .declined, !update.hasNote {
            throw StatusUpdateFields.invalid("note", "required when the status is declined")
        }
        return update
    }
}
