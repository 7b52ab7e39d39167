import Foundation

/// Working days in one time zone: Monday to Friday, minus the configured public holidays.
///
/// Deadlines and escalation moments are computed here, so "2 working days" means the
/// same thing in every service. Instants are mapped to the local wall clock of
/// `timeZone` (Asia/Baku by default): an instant at 22:00Z is already the next day there.
public struct WorkingCalendar: Sendable, Equatable {
    /// Asia/Baku, or a fixed UTC+04:00 if the system has no zone data (Baku has kept
    /// that offset all year since 2016).
    public static let bakuTimeZone: TimeZone =
        TimeZone(identifier: "Asia/Baku") ?? TimeZone(secondsFromGMT: 4 * 3600) ?? .gmt

    private static let secondsPerDay = 86_400.0

    /// The zone whose local days are counted.
    public let timeZone: TimeZone
    /// Weekdays that are not working days.
    public let holidays: Set<CivilDay>

    /// A calendar for `timeZone` with the given holidays (by default Azerbaijan's fixed
    /// holidays and their statutory transfers for 2026 and 2027).
    public init(
        timeZone: TimeZone = WorkingCalendar.bakuTimeZone,
        holidays: Set<CivilDay> = WorkingCalendar.azerbaijanDefaultHolidays
    ) {
        self.timeZone = timeZone
        self.holidays = holidays
    }

    /// Monday to Friday and not a holiday.
    public func isWorkingDay(_ day: CivilDay) -> Bool {
        !day.isWeekend && !holidays.contains(day)
    }

    /// The local calendar day of `instant` in `timeZone`.
    public func localDay(of instant: Date) -> CivilDay {
        CivilDay(ordinal: Int((wallClockSeconds(of: instant) / Self.secondsPerDay).rounded(.down)))
    }

    /// The deadline "within `count` working days of `instant`": 23:59:59 local time on
    /// the `count`-th working day after the local day of `instant`.
    ///
    /// A `count` of zero or less means the end of the first working day on or after the
    /// local day of `instant` (the same day when it is a working day).
    public func endOfWorkingDay(_ count: Int, after instant: Date) -> Date {
        let start = localDay(of: instant)
        let target = count > 0 ? day(workingDays: count, after: start) : firstWorkingDay(onOrAfter: start)
        return moment(wallClockSeconds: Double(target.ordinal) * Self.secondsPerDay + Self.secondsPerDay - 1)
    }

    /// 23:59:59 local time on `day`, working day or not: the deadline a date names (an
    /// extended `dueBy` is the end of the local date the secretariat grants).
    public func endOfDay(_ day: CivilDay) -> Date {
        moment(wallClockSeconds: Double(day.ordinal) * Self.secondsPerDay + Self.secondsPerDay - 1)
    }

    /// Moves the local day of `instant` by `workingDays` working days (backwards when
    /// negative), keeping the local time of day. Starting from a weekend or holiday, one
    /// working day forward is the next working day and one back the previous one.
    public func shift(_ instant: Date, workingDays: Int) -> Date {
        guard workingDays != 0 else { return instant }
        let wallClock = wallClockSeconds(of: instant)
        let startOrdinal = (wallClock / Self.secondsPerDay).rounded(.down)
        let timeOfDay = wallClock - startOrdinal * Self.secondsPerDay
        let target = day(workingDays: workingDays, after: CivilDay(ordinal: Int(startOrdinal)))
        return moment(wallClockSeconds: Double(target.ordinal) * Self.secondsPerDay + timeOfDay)
    }

    /// Working days after the local day of `start` up to and including the local day of
    /// `end`; negative when `end` is on an earlier day. Zero on the same local day.
    ///
    /// For any `n`, `workingDays(from: t, to: shift(t, workingDays: n)) == n`.
    public func workingDays(from start: Date, to end: Date) -> Int {
        workingDays(from: localDay(of: start), to: localDay(of: end))
    }

    /// Working days after `start` up to and including `end`; negative when `end` < `start`.
    public func workingDays(from start: CivilDay, to end: CivilDay) -> Int {
        let (low, high, sign) = start <= end ? (start, end, 1) : (end, start, -1)
        var count = 0
        var day = low.advanced(by: 1)
        while day <= high {
            if isWorkingDay(day) { count += 1 }
            day = day.advanced(by: 1)
        }
        return sign * count
    }

    /// A deadline `span` after `instant`: the end of the n-th working day for working
    /// days, or exactly that many seconds later.
    public func deadline(_ span: WorkingDuration, after instant: Date) -> Date {
        switch span {
        case .workingDays(let days): endOfWorkingDay(days, after: instant)
        case .seconds(let seconds): instant.addingTimeInterval(TimeInterval(seconds))
        }
    }

    /// `instant` moved by `span`: `shift` for working days, plain arithmetic for seconds.
    public func offset(_ instant: Date, by span: WorkingDuration) -> Date {
        switch span {
        case .workingDays(let days): shift(instant, workingDays: days)
        case .seconds(let seconds): instant.addingTimeInterval(TimeInterval(seconds))
        }
    }

    // MARK: - Loading

    /// The JSON a holiday list is configured with: either a bare array of `YYYY-MM-DD`
    /// strings, or `{"timeZone": "Asia/Baku", "holidays": [...]}`.
    private struct HolidayDocument: Decodable {
        var timeZone: String?
        var holidays: [String]
    }

    /// A calendar whose holidays are exactly the configured list (the defaults are
    /// replaced, not extended). A `timeZone` in the document overrides `timeZone`.
    public static func load(
        holidaysJSON: some DataProtocol, timeZone: TimeZone = WorkingCalendar.bakuTimeZone
    ) throws(WorkingCalendarError) -> WorkingCalendar {
        let data = Data(holidaysJSON)
        let decoder = JSONDecoder()
        let document: HolidayDocument
        if let list = try? decoder.decode([String].self, from: data) {
            document = HolidayDocument(timeZone: nil, holidays: list)
        } else {
            do {
                document = try decoder.decode(HolidayDocument.self, from: data)
            } catch {
                throw .notJSON(detail: "expected an array of YYYY-MM-DD strings or {\"holidays\": [...]}")
            }
        }
        var zone = timeZone
        if let identifier = document.timeZone {
            guard let named = TimeZone(identifier: identifier) else {
                throw .unknownTimeZone(identifier: String(identifier.prefix(64)))
            }
            zone = named
        }
        var holidays = Set<CivilDay>()
        for (index, text) in document.holidays.enumerated() {
            guard let day = CivilDay(text) else {
                throw .invalidHoliday(index: index, text: String(text.prefix(40)))
            }
            holidays.insert(day)
        }
        return WorkingCalendar(timeZone: zone, holidays: holidays)
    }

    // MARK: - Days and wall clock

    /// The `count`-th working day after `start` (before it when `count` is negative).
    private func day(workingDays count: Int, after start: CivilDay) -> CivilDay {
        let step = count >= 0 ? 1 : -1
        var remaining = abs(count)
        var day = start
        while remaining > 0 {
            day = day.advanced(by: step)
            if isWorkingDay(day) { remaining -= 1 }
        }
        return day
    }

    private func firstWorkingDay(onOrAfter start: CivilDay) -> CivilDay {
        var day = start
        while !isWorkingDay(day) { day = day.advanced(by: 1) }
        return day
    }

    /// Seconds since 1970-01-01T00:00 on the local wall clock.
    private func wallClockSeconds(of instant: Date) -> Double {
        instant.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: instant))
    }

    /// The instant showing `wallClock` on the local clock. The offset is looked up twice
    /// so that a reading near an offset change lands on the right side of it.
    private func moment(wallClockSeconds wallClock: Double) -> Date {
        let guess = wallClock - Double(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: wallClock)))
        let offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: guess))
        return Date(timeIntervalSince1970: wallClock - Double(offset))
    }
}
