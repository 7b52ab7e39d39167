import ArgumentParser
import Foundation
import ServiceKit
import WorkingCalendar

/// The working calendar the figures are counted in: the services' holiday file, or the defaults.
struct CalendarOptions: ParsableArguments {
    @Option(help: "Holiday list JSON, as the referral and escalation services use (default: $WORKING_CALENDAR_FILE, else Azerbaijan's fixed holidays).")
    var calendarFile: String?

    func calendar() throws -> WorkingCalendar {
        guard let path = calendarFile ?? EnvironmentReader().string("WORKING_CALENDAR_FILE") else { return WorkingCalendar() }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read the calendar file \(path): check the path and its permissions")
        }
        do {
            return try WorkingCalendar.load(holidaysJSON: data)
        } catch {
            throw ValidationError("the calendar file \(path) is not a holiday list: \(error)")
        }
    }
}
