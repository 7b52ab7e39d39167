extension WorkingCalendar {
    /// Azerbaijan's fixed-date non-working holidays (Labour Code, article 105) in 2026
    /// and 2027: New Year (1–2 Jan), Women's Day (8 Mar), Victory over Fascism (9 May),
    /// Independence Day (28 May), National Salvation Day (15 Jun), Armed Forces Day
    /// (26 Jun), Victory Day (8 Nov), State Flag Day (9 Nov), Solidarity Day (31 Dec).
    ///
    /// 20 January (national day of mourning) is not a non-working day under article 105,
    /// so it is not listed. Novruz, Ramadan and Gurban move every year and are announced
    /// by the Cabinet of Ministers: configure them with `load(holidaysJSON:)`.
    public static let azerbaijanFixedHolidays: Set<CivilDay> = Set([2026, 2027].flatMap { year in
        [(1, 1), (1, 2), (3, 8), (5, 9), (5, 28), (6, 15), (6, 26), (11, 8), (11, 9), (12, 31)]
            .map { CivilDay(unchecked: year, $0.0, $0.1) }
    })

    /// Weekdays that become rest days because a fixed holiday falls on a Saturday or
    /// Sunday (article 105, part 5: the rest day moves to the next working day after
    /// the holiday), for 2026 and 2027.
    public static let azerbaijanTransferredRestDays: Set<CivilDay> = [
        CivilDay(unchecked: 2026, 3, 9),   // 8 Mar is a Sunday
        CivilDay(unchecked: 2026, 5, 11),  // 9 May is a Saturday
        CivilDay(unchecked: 2026, 11, 10), // 8 Nov is a Sunday, 9 Nov a holiday
        CivilDay(unchecked: 2027, 1, 4),   // 2 Jan is a Saturday
        CivilDay(unchecked: 2027, 5, 10),  // 9 May is a Sunday
        CivilDay(unchecked: 2027, 6, 28),  // 26 Jun is a Saturday
    ]

    /// The default holiday set: the fixed holidays and their transferred rest days.
    public static let azerbaijanDefaultHolidays: Set<CivilDay> =
        azerbaijanFixedHolidays.union(azerbaijanTransferredRestDays)
}
