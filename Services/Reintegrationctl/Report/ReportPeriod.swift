import WorkingCalendar

/// The days a report covers, both included, as local days of the working calendar.
struct ReportPeriod: Sendable, Equatable, CustomStringConvertible {
    let from: CivilDay
    let to: CivilDay

    /// Nil when `to` is before `from`.
    init?(from: CivilDay, to: CivilDay) {
        guard from <= to else { return nil }
        self.from = from
        self.to = to
    }

    func contains(_ day: CivilDay) -> Bool { from <= day && day <= to }

    var description: String { "\(from) – \(to)" }
}
