import Foundation
import WorkingCalendar

/// Office hours on working days (Asia/Baku by default) to which reminders may be held,
/// parsed from `HH:MM-HH:MM`.
public struct WorkingHours: Sendable, Equatable {
    /// Minutes after local midnight when sending may start.
    public var startMinute: Int
    /// Minutes after local midnight when sending stops.
    public var endMinute: Int
    /// Which days are working days, and in which zone.
    public var calendar: WorkingCalendar

    /// Parses `09:00-18:00`; `nil` when the text is not of that form or the window is empty.
    public init?(_ text: String, calendar: WorkingCalendar = WorkingCalendar()) {
        let parts = text.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let start = Self.minutes(parts[0]), let end = Self.minutes(parts[1]), start < end else {
            return nil
        }
        self.startMinute = start
        self.endMinute = end
        self.calendar = calendar
    }

    /// The first instant at or after `instant` inside the window on a working day.
    public func nextAllowedInstant(atOrAfter instant: Date) -> Date {
        var zoned = Calendar(identifier: .gregorian)
        zoned.timeZone = calendar.timeZone
        var day = calendar.localDay(of: instant)
        for _ in 0..<400 {
            if calendar.isWorkingDay(day),
                let midnight = zoned.date(from: DateComponents(year: day.year, month: day.month, day: day.day))
            {
                let opens = midnight.addingTimeInterval(Double(startMinute * 60))
                let closes = midnight.addingTimeInterval(Double(endMinute * 60))
                if instant < opens { return opens }
                if instant < closes { return instant }
            }
            day = day.advanced(by: 1)
        }
        return instant
    }

    private static func minutes(_ text: String) -> Int? {
        let pieces = text.split(separator: ":")
        guard pieces.count == 2, pieces[0].count == 2, pieces[1].count == 2,
            let hours = Int(pieces[0]), let minutes = Int(pieces[1]), (0...24).contains(hours), (0...59).contains(minutes)
        else { return nil }
        let total = hours * 60 + minutes
        return total <= 24 * 60 ? total : nil
    }
}
