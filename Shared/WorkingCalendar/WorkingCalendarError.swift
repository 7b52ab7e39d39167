/// Why a configured holiday list could not be loaded. Holiday lists hold no personal data,
/// so the description may name the offending entry.
public enum WorkingCalendarError: Error, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The bytes are not JSON of the expected shape.
    case notJSON(detail: String)
    /// The entry at `index` of `holidays` is not an existing `YYYY-MM-DD` date.
    case invalidHoliday(index: Int, text: String)
    /// The named time zone is not known to this system.
    case unknownTimeZone(identifier: String)

    public var description: String {
        switch self {
        case .notJSON(let detail):
            "holiday list: \(detail)"
        case .invalidHoliday(let index, let text):
            "holidays[\(index)]: \"\(text)\" is not an existing YYYY-MM-DD date"
        case .unknownTimeZone(let identifier):
            "timeZone: \"\(identifier)\" is not a known time zone"
        }
    }

    public var debugDescription: String { "WorkingCalendarError: \(description)" }
}
