/// Why a district list could not be loaded.
///
/// District codes are configuration, not personal data, but `description` still names
/// only the position of a bad entry; the entry itself is in `debugDescription`.
public enum DistrictCatalogError: Error, Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The text is not a JSON array of strings.
    case notAnArrayOfStrings
    /// The array has no codes.
    case empty
    /// The entry at `index` is not a lower-case slug of acceptable length.
    case invalidCode(index: Int, code: String)
    /// The entry at `index` repeats an earlier one.
    case duplicateCode(index: Int, code: String)

    /// The problem and the position of the bad entry.
    public var description: String {
        switch self {
        case .notAnArrayOfStrings: "district catalog: not a JSON array of strings"
        case .empty: "district catalog: the list is empty"
        case .invalidCode(let index, _):
            "district catalog: entry \(index) is not a lower-case slug (a-z and '-', at most \(DistrictCatalog.maximumCodeLength) characters)"
        case .duplicateCode(let index, _): "district catalog: entry \(index) repeats an earlier code"
        }
    }

    /// The description plus the offending entry.
    public var debugDescription: String {
        switch self {
        case .notAnArrayOfStrings, .empty: description
        case .invalidCode(_, let code), .duplicateCode(_, let code): "\(description): \(String(reflecting: code))"
        }
    }
}
