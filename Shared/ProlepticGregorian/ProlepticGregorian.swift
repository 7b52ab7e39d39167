/// Day numbers on the proleptic Gregorian calendar (the one PostgreSQL and ISO 8601 use,
/// with no Julian switch): days since 1970-01-01, negative before it. Pure arithmetic, so
/// both the working calendar's days and the database's timestamps build on it.
public enum ProlepticGregorian {
    /// The day number of `year`-`month`-`day` (not checked: 2026-02-30 is 2026-03-02).
    public static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        // Days counted in 400-year eras of years starting in March, so the leap day is
        // each year's last day (H. Hinnant's days_from_civil).
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The year, month and day of day number `dayNumber` (H. Hinnant's civil_from_days).
    public static func date(dayNumber: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = dayNumber + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Whether the date exists and has four digits: years 1–9999, as ISO 8601 and the
    /// contract write them.
    public static func isValid(year: Int, month: Int, day: Int) -> Bool {
        (1...9999).contains(year) && (1...12).contains(month) && day >= 1 && day <= length(ofMonth: month, in: year)
    }

    /// Days in `month` (1–12) of `year`.
    public static func length(ofMonth month: Int, in year: Int) -> Int {
        switch month {
        case 2: year % 400 == 0 || (year % 4 == 0 && year % 100 != 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
