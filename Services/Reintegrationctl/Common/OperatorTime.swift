import Contract
import Foundation
import WorkingCalendar

/// How the operator commands write instants: local Baku time for people, UTC ISO 8601 in JSON.
enum OperatorTime {
    /// `2026-05-29 10:15 +04:00`, in Asia/Baku whatever the machine's zone.
    static func local(_ date: Date) -> String { format(date, "yyyy-MM-dd HH:mm xxx") }

    /// `2026-05-29 10:15:07 +04:00`: to the second, for timelines where events crowd one minute.
    static func localToTheSecond(_ date: Date) -> String { format(date, "yyyy-MM-dd HH:mm:ss xxx") }

    /// The lowercase form the database and the text output use (Foundation's is uppercase).
    static func identifier(_ id: UUID) -> String { ContractID.text(id) }

    private static func format(_ date: Date, _ pattern: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = WorkingCalendar.bakuTimeZone
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }

    /// An encoder for `--json`: sorted keys, ISO 8601 instants in UTC.
    static func jsonEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}
