import Foundation
import WorkingCalendar

/// RFC 3339 timestamps as the contract writes them: UTC with milliseconds when the
/// cluster writes, any offset (and optional fraction) when it reads.
///
/// Both directions use the proleptic Gregorian calendar of `CivilDay`, so whatever `parse`
/// accepts, `format` writes back as the same instant (to the millisecond). Foundation's
/// formatter switches to the Julian calendar before 1582 and would move such dates by days.
public enum Timestamp {
    /// The first and last instants a timestamp can name: years 0001 to 9999 in UTC.
    static let earliest: Double = -719_162 * 86_400  // 0001-01-01T00:00:00Z
    static let end: Double = 2_932_897 * 86_400  // 10000-01-01T00:00:00Z

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`, the fraction cut (not rounded) to milliseconds, as
    /// Foundation's ISO 8601 style writes it.
    public static func format(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        guard seconds >= earliest, seconds < end else {
            // Outside years 0001-9999 no contract timestamp exists; written as Foundation does.
            return date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
        }
        let whole = seconds.rounded(.down)
        let milliseconds = min(999, Int(((seconds - whole) * 1000).rounded(.down)))
        let total = Int(whole)
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        let secondOfDay = total - days * 86_400
        func padded(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(CivilDay(ordinal: days))T\(padded(secondOfDay / 3600, 2)):\(padded(secondOfDay / 60 % 60, 2)):"
            + "\(padded(secondOfDay % 60, 2)).\(padded(milliseconds, 3))Z"
    }

    /// Formats in a given time zone with its offset, e.g. `2026-06-02T23:59:59+04:00`.
    public static func format(_ date: Date, in timeZone: TimeZone) -> String {
        var style = Date.ISO8601FormatStyle(timeZone: timeZone)
        style = style.year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .colon)
        return date.formatted(style)
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, checking the calendar for real.
    public static func parse(_ text: String) -> Date? {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 20, utf8.count <= 40 else { return nil }
        func digits(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard index < utf8.count else { return nil }
                let byte = utf8[index]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        func byte(_ index: Int, is expected: UInt8...) -> Bool {
            index < utf8.count && expected.contains(utf8[index])
        }
        guard let year = digits(0..<4), byte(4, is: 45), let month = digits(5..<7), byte(7, is: 45),
              let day = digits(8..<10), byte(10, is: 84, 116), let hour = digits(11..<13), byte(13, is: 58),
              let minute = digits(14..<16), byte(16, is: 58), let second = digits(17..<19)
        else { return nil }
        var index = 19
        var nanoseconds = 0
        if byte(index, is: 46) {
            index += 1
            var fractionDigits = 0
            while index < utf8.count, utf8[index] >= 48, utf8[index] <= 57 {
                if fractionDigits < 9 { nanoseconds = nanoseconds * 10 + Int(utf8[index] - 48) }
                fractionDigits += 1
                index += 1
            }
            guard fractionDigits > 0 else { return nil }
            // Digits past the ninth are read and dropped; fewer are scaled up to nanoseconds.
            for _ in min(fractionDigits, 9)..<9 { nanoseconds *= 10 }
        }
        var offsetSeconds = 0
        if byte(index, is: 90, 122) {
            index += 1
        } else if byte(index, is: 43, 45) {
            let sign = utf8[index] == 45 ? -1 : 1
            guard let offsetHours = digits(index + 1..<index + 3), byte(index + 3, is: 58),
                  let offsetMinutes = digits(index + 4..<index + 6), offsetHours <= 23, offsetMinutes <= 59
            else { return nil }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
            index += 6
        } else {
            return nil
        }
        guard index == utf8.count else { return nil }
        guard month >= 1, month <= 12, hour <= 23, minute <= 59, second <= 59,
              day >= 1, day <= CivilDay.length(ofMonth: month, in: year)
        else { return nil }
        guard let days = CivilDay(year: year, month: month, day: day)?.ordinal else { return nil }
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        // An offset can carry 0001-01-01 or 9999-12-31 out of the years a timestamp is written in.
        guard Double(seconds) >= earliest, Double(seconds) < end else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(seconds) + TimeInterval(nanoseconds) / 1e9)
    }
}
