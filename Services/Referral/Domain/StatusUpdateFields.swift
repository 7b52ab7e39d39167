import Contract
import StrictJSON

/// Reads the fields of a decoded `referral-status.v1` object, refusing the first one that
/// breaks its rule with `invalid-field` and a detail naming it (never its value).
struct StatusUpdateFields {
    let object: [String: JSONValue]

    init(_ object: [String: JSONValue]) {
        self.object = object
    }

    static func invalid(_ field: String, _ problem: String) -> StatusRefusal {
        StatusRefusal(reason: .invalidField, detail: "\(field): \(problem)")
    }

    /// The string at `key`, nil when absent or null; refuses other types, U+0000 (the
    /// database cannot store it: refused here with a reason, not dead-lettered later) and
    /// more than `maximumLength` characters or Unicode scalars.
    func optionalString(_ key: String, maximumLength: Int = .max) throws(StatusRefusal) -> String? {
        switch object[key] {
        case nil, .null:
            return nil
        case .string(let text):
            guard !text.unicodeScalars.contains("\u{0}") else { throw Self.invalid(key, "must not contain U+0000") }
            guard maximumLength == .max || TextLength.fits(text, within: maximumLength) else {
                throw Self.invalid(key, "longer than \(maximumLength) characters")
            }
            return text
        default:
            throw Self.invalid(key, "must be a string")
        }
    }

    func requiredString(_ key: String) throws(StatusRefusal) -> String {
        guard let text = try optionalString(key) else { throw Self.invalid(key, "is required") }
        return text
    }
}
