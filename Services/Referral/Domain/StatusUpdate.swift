import Contract
import Foundation

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

    /// Parses and checks a body: at most 64 KiB, a JSON object, the right schema, valid
    /// fields (`note` required for `declined`). Unknown keys are ignored.
    public static func parse(_ body: [UInt8]) throws(StatusRefusal) -> StatusUpdate {
        guard body.count <= maximumBodySize else {
            throw StatusRefusal(reason: .tooLarge, detail: "body: \(body.count) bytes, the limit is \(maximumBodySize)")
        }
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(body)),
              let object = parsed as? [String: Any]
        else {
            throw StatusRefusal(reason: .notJSON, detail: "body: not a JSON object")
        }
        func invalid(_ field: String, _ problem: String) -> StatusRefusal {
            StatusRefusal(reason: .invalidField, detail: "\(field): \(problem)")
        }
        /// The string at `key`, nil when absent or null; refuses other types.
        func optionalString(_ key: String) throws(StatusRefusal) -> String? {
            guard let value = object[key], !(value is NSNull) else { return nil }
            guard let text = value as? String else { throw invalid(key, "must be a string") }
            // The database cannot store U+0000; refused here, with a reason, not dead-lettered later.
            guard !text.unicodeScalars.contains("\u{0}") else { throw invalid(key, "must not contain U+0000") }
            return text
        }
        func requiredString(_ key: String) throws(StatusRefusal) -> String {
            guard let text = try optionalString(key) else { throw invalid(key, "is required") }
            return text
        }

        guard let schema = object["schema"] as? String, schema == MessageType.referralStatus else {
            throw StatusRefusal(reason: .unknownSchema, detail: "schema: expected \(MessageType.referralStatus)")
        }
        guard let referralId = UUID(uuidString: try requiredString("referralId")) else {
            throw invalid("referralId", "must be a UUID")
        }
        guard let status = ReferralStatus(rawValue: try requiredString("status")) else {
            let allowed = ReferralStatus.allCases.map(\.rawValue).joined(separator: ", ")
            throw invalid("status", "must be one of \(allowed)")
        }
        guard let at = Timestamp.parse(try requiredString("at")) else {
            throw invalid("at", "must be an RFC 3339 timestamp with offset")
        }
        let note = try optionalString("note")
        if let note, note.count > maximumNoteLength {
            throw invalid("note", "longer than \(maximumNoteLength) characters")
        }
        let officer = try optionalString("officer")
        if let officer, officer.count > maximumOfficerLength {
            throw invalid("officer", "longer than \(maximumOfficerLength) characters")
        }
        let update = StatusUpdate(referralId: referralId, status: status, at: at, note: note, officer: officer)
        if status == .declined, !update.hasNote {
            throw invalid("note", "required when the status is declined")
        }
        return update
    }
}
