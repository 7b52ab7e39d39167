import ProlepticGregorian

/// A day on the wall calendar (`YYYY-MM-DD`), with no time zone: a birth date, a
/// holiday, the local day of an instant. The contract's dates and the working calendar
/// share this one type.
public struct CivilDay: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// A day that exists on the proleptic Gregorian calendar, or nil (2026-02-30).
    public init?(year: Int, month: Int, day: Int) {
        guard ProlepticGregorian.isValid(year: year, month: month, day: day) else { return nil }
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
        let (year, month, day) = ProlepticGregorian.date(dayNumber: ordinal)
        self.init(unchecked: year, month, day)
    }

    /// Days since 1970-01-01, negative before it.
    public var ordinal: Int { ProlepticGregorian.dayNumber(year: year, month: month, day: day) }

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

    /// Whole years from this day to `other`: an age on a given day.
    public func years(until other: CivilDay) -> Int {
        var years = other.year - year
        if (other.month, other.day) < (month, day) { years -= 1 }
        return years
    }

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

    /// Days in `month` (1–12) of `year`.
    public static func length(ofMonth month: Int, in year: Int) -> Int {
        ProlepticGregorian.length(ofMonth: month, in: year)
    }
}
