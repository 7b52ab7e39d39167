import Contract
import Foundation
import WorkingCalendar

/// Civil dates as they are in Azerbaijan: "today" and "in the future" are decided on the
/// Asia/Baku calendar, whatever the server's own time zone.
enum BakuCalendar {
    static let timeZone = TimeZone(identifier: "Asia/Baku") ?? TimeZone(secondsFromGMT: 4 * 3600) ?? .gmt

    /// The Baku local date of an instant.
    static func localDate(of instant: Date) -> CivilDay {
        let seconds = instant.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: instant))
        let days = (seconds / 86_400).rounded(.down)
        // Clamp absurd clocks so the conversion to Int cannot trap.
        return CivilDay(ordinal: Int(min(max(days, -3_000_000), 3_000_000)))
    }
}
