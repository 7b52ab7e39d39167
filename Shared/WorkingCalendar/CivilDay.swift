/// A day on the wall calendar (`YYYY-MM-DD`), with no time zone: a holiday, the local
/// day of an instant.
///
/// Kept separate from the contract's own date type so the calendar stands on its own.
public struct CivilDay: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// A day that exists on the proleptic Gregorian calendar, or nil (2026-02-30).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= Self.length(ofMonth: month, in: year)
        else { return nil }
        self.init(unchecked: year, month, day)
    }

    init(unchecked year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3,
              parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The day `ordinal` days after 1970-01-01 (before it when negative).
    public init(ordinal: Int) {
        // Estimate the year, then correct it: the estimate is off by at most one.
        var year = 1970 + Int((Double(ordinal) / 365.2425).rounded(.down))
        while Self.ordinal(ofFirstDayOf: year) > ordinal { year -= 1 }
        while Self.ordinal(ofFirstDayOf: year + 1) <= ordinal { year += 1 }
        var remaining = ordinal - Self.ordinal(ofFirstDayOf: year)
        var month = 1
        while remaining >= Self.length(ofMonth: month, in: year) {
            remaining -= Self.length(ofMonth: month, in: year)
            month += 1
        }
        self.init(unchecked: year, month, remaining + 1)
    }

    /// Days since 1970-01-01.
    public var ordinal: Int {
        var days = Self.ordinal(ofFirstDayOf: year)
        for earlier in stride(from: 1, to: month, by: 1) {
            days += Self.length(ofMonth: earlier, in: year)
        }
        return days + day - 1
    }

    /// ISO weekday: 1 = Monday … 6 = Saturday, 7 = Sunday.
    public var weekday: Int {
        // 1970-01-01 was a Thursday (ISO 4).
        let remainder = (ordinal + 3) % 7
        return (remainder < 0 ? remainder + 7 : remainder) + 1
    }

    /// Saturday or Sunday.
    public var isWeekend: Bool { weekday >= 6 }

    /// The day `days` later (earlier when negative).
    public func advanced(by days: Int) -> CivilDay { CivilDay(ordinal: ordinal + days) }

    public static func < (lhs: CivilDay, rhs: CivilDay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public var description: String {
        func padded(_ value: Int, width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(padded(year, width: 4))-\(padded(month, width: 2))-\(padded(day, width: 2))"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let parsed = CivilDay(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected an existing YYYY-MM-DD date")
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    static func isLeapYear(_ year: Int) -> Bool {
        year % 400 == 0 || (year % 4 == 0 && year % 100 != 0)
    }

    static func length(ofMonth month: Int, in year: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to 1 January of `year`.
    static func ordinal(ofFirstDayOf year: Int) -> Int {
        // Leap days in the years before `year`, counted from year 1.
        func leapDays(before year: Int) -> Int {
            let previous = year - 1
            return previous / 4 - previous / 100 + previous / 400
        }
        return (year - 1970) * 365 + leapDays(before: year) - leapDays(before: 1970)
    }
}
