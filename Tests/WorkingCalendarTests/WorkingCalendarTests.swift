import Foundation
import Testing
import WorkingCalendar

/// An instant from an RFC 3339 text with offset, for readable tests.
func instant(_ text: String) -> Date {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    guard let date = formatter.date(from: text) else { fatalError("bad test timestamp \(text)") }
    return date
}

func day(_ text: String) -> CivilDay {
    guard let day = CivilDay(text) else { fatalError("bad test day \(text)") }
    return day
}

@Suite("WorkingCalendar")
struct WorkingCalendarTests {
    let calendar = WorkingCalendar()

    @Test("weekends and the default holidays are not working days")
    func workingDays() {
        #expect(calendar.isWorkingDay(day("2026-06-02")))   // Tuesday
        #expect(!calendar.isWorkingDay(day("2026-06-06")))  // Saturday
        #expect(!calendar.isWorkingDay(day("2026-06-07")))  // Sunday
        #expect(!calendar.isWorkingDay(day("2026-06-15")))  // National Salvation Day
        #expect(!calendar.isWorkingDay(day("2026-03-09")))  // 8 March fell on a Sunday
        #expect(!calendar.isWorkingDay(day("2027-01-04")))  // 2 January fell on a Saturday
        #expect(calendar.isWorkingDay(day("2026-01-20")))   // day of mourning, a working day
    }

    @Test("the default data lists ten fixed holidays a year and six transfers")
    func defaultData() {
        #expect(WorkingCalendar.azerbaijanFixedHolidays.count == 20)
        #expect(WorkingCalendar.azerbaijanTransferredRestDays.count == 6)
        #expect(WorkingCalendar.azerbaijanTransferredRestDays.allSatisfy { !$0.isWeekend })
        #expect(WorkingCalendar.azerbaijanDefaultHolidays.count == 26)
        #expect(calendar.timeZone.identifier == "Asia/Baku")
    }

    @Test("local days are Baku days: 22:00Z is already tomorrow")
    func bakuLocalDays() {
        #expect(calendar.localDay(of: instant("2026-06-02T19:59:59Z")) == day("2026-06-02"))
        #expect(calendar.localDay(of: instant("2026-06-02T20:00:00Z")) == day("2026-06-03"))
        #expect(calendar.localDay(of: instant("2026-06-02T22:00:00Z")) == day("2026-06-03"))
        #expect(calendar.localDay(of: instant("2026-06-03T00:30:00+04:00")) == day("2026-06-03"))
    }

    @Test("a deadline is 23:59:59 Baku time on the n-th working day after issue")
    func endOfWorkingDay() {
        // Tuesday morning + 2 working days: Thursday.
        #expect(calendar.endOfWorkingDay(2, after: instant("2026-06-02T09:00:00+04:00"))
            == instant("2026-06-04T23:59:59+04:00"))
        // Thursday + 2 crosses the weekend: Monday.
        #expect(calendar.endOfWorkingDay(2, after: instant("2026-06-04T16:00:00+04:00"))
            == instant("2026-06-08T23:59:59+04:00"))
        // Issued on a Saturday: counting starts after it.
        #expect(calendar.endOfWorkingDay(1, after: instant("2026-06-06T12:00:00+04:00"))
            == instant("2026-06-08T23:59:59+04:00"))
        // Friday 12 June + 2: Monday 15 June is a holiday, so Tuesday and Wednesday.
        #expect(calendar.endOfWorkingDay(2, after: instant("2026-06-12T10:00:00+04:00"))
            == instant("2026-06-17T23:59:59+04:00"))
        // 10 working days from Monday 1 June skip 15 June: Tuesday 16 June.
        #expect(calendar.endOfWorkingDay(10, after: instant("2026-06-01T10:00:00+04:00"))
            == instant("2026-06-16T23:59:59+04:00"))
    }

    @Test("year end: Wed 2026-12-30 + 2 skips 31 Dec, 1–4 Jan")
    func yearEnd() {
        // 31 Dec and 1 Jan are holidays, 2–3 Jan a weekend, 4 Jan the transferred rest day
        // for 2 Jan: the working days are Tue 5 and Wed 6 January.
        #expect(calendar.endOfWorkingDay(2, after: instant("2026-12-30T11:00:00+04:00"))
            == instant("2027-01-06T23:59:59+04:00"))
        // With only the fixed holidays, Monday 4 January counts.
        let fixedOnly = WorkingCalendar(holidays: WorkingCalendar.azerbaijanFixedHolidays)
        #expect(fixedOnly.endOfWorkingDay(2, after: instant("2026-12-30T11:00:00+04:00"))
            == instant("2027-01-05T23:59:59+04:00"))
    }

    @Test("an instant late in the UTC evening counts from the next Baku day")
    func issuedLateUTC() {
        // 22:00Z on Friday is 02:00 on Saturday in Baku: + 1 working day is Monday.
        #expect(calendar.endOfWorkingDay(1, after: instant("2026-06-05T22:00:00Z"))
            == instant("2026-06-08T23:59:59+04:00"))
        // 19:00Z on Friday is still Friday: + 1 is Monday too, but + 0 is Friday.
        #expect(calendar.endOfWorkingDay(0, after: instant("2026-06-05T19:00:00Z"))
            == instant("2026-06-05T23:59:59+04:00"))
        #expect(calendar.endOfWorkingDay(0, after: instant("2026-06-05T22:00:00Z"))
            == instant("2026-06-08T23:59:59+04:00"))
    }

    @Test("shifting keeps the local time of day, forwards and backwards")
    func shifting() {
        let dueBy = instant("2026-06-16T23:59:59+04:00")
        // One working day before Tuesday 16 June: Monday 15 is a holiday, so Friday 12.
        #expect(calendar.shift(dueBy, workingDays: -1) == instant("2026-06-12T23:59:59+04:00"))
        // Five working days after: 17, 18, 19, 22, 23 June.
        #expect(calendar.shift(dueBy, workingDays: 5) == instant("2026-06-23T23:59:59+04:00"))
        #expect(calendar.shift(dueBy, workingDays: 0) == dueBy)
        // Across the year end, backwards.
        #expect(calendar.shift(instant("2027-01-05T10:30:00+04:00"), workingDays: -1)
            == instant("2026-12-30T10:30:00+04:00"))
        // From a Sunday: one forward is Monday, one back is Friday.
        let sunday = instant("2026-06-07T08:15:30+04:00")
        #expect(calendar.shift(sunday, workingDays: 1) == instant("2026-06-08T08:15:30+04:00"))
        #expect(calendar.shift(sunday, workingDays: -1) == instant("2026-06-05T08:15:30+04:00"))
        // Fractions of a second survive.
        let precise = instant("2026-06-02T10:00:00+04:00").addingTimeInterval(0.25)
        #expect(calendar.shift(precise, workingDays: 1) == instant("2026-06-03T10:00:00+04:00").addingTimeInterval(0.25))
    }

    @Test("counting working days between instants agrees with shift and deadlines")
    func counting() {
        #expect(calendar.workingDays(from: instant("2026-06-02T09:00:00+04:00"), to: instant("2026-06-02T18:00:00+04:00")) == 0)
        #expect(calendar.workingDays(from: instant("2026-12-30T09:00:00+04:00"), to: instant("2027-01-06T09:00:00+04:00")) == 2)
        #expect(calendar.workingDays(from: instant("2027-01-06T09:00:00+04:00"), to: instant("2026-12-30T09:00:00+04:00")) == -2)
        let start = instant("2026-11-04T13:00:00+04:00")
        for count in -30...30 {
            #expect(calendar.workingDays(from: start, to: calendar.shift(start, workingDays: count)) == count)
        }
        for count in 1...25 {
            #expect(calendar.workingDays(from: start, to: calendar.endOfWorkingDay(count, after: start)) == count)
        }
    }

    @Test("durations: working days end the day, seconds are plain")
    func durations() {
        let issued = instant("2026-06-02T09:00:00+04:00")
        #expect(calendar.deadline(.workingDays(2), after: issued) == instant("2026-06-04T23:59:59+04:00"))
        #expect(calendar.deadline(.seconds(30), after: issued) == issued.addingTimeInterval(30))
        #expect(calendar.offset(issued, by: .workingDays(-1)) == instant("2026-06-01T09:00:00+04:00"))
        #expect(calendar.offset(issued, by: .seconds(-10)) == issued.addingTimeInterval(-10))
    }

    @Test("durations code as {\"workingDays\": n} or {\"seconds\": n}, exactly one")
    func durationCoding() throws {
        let decoder = JSONDecoder()
        #expect(try decoder.decode(WorkingDuration.self, from: Data(#"{"workingDays": 2}"#.utf8)) == .workingDays(2))
        #expect(try decoder.decode(WorkingDuration.self, from: Data(#"{"seconds": -30}"#.utf8)) == .seconds(-30))
        #expect(throws: DecodingError.self) {
            try decoder.decode(WorkingDuration.self, from: Data(#"{"workingDays": 2, "seconds": 3}"#.utf8))
        }
        #expect(throws: DecodingError.self) { try decoder.decode(WorkingDuration.self, from: Data("{}".utf8)) }
        let encoded = try JSONEncoder().encode(WorkingDuration.seconds(30))
        #expect(String(decoding: encoded, as: UTF8.self) == #"{"seconds":30}"#)
    }
}

@Suite("WorkingCalendar.load")
struct WorkingCalendarLoadingTests {
    @Test("a bare list replaces the default holidays")
    func bareList() throws {
        let calendar = try WorkingCalendar.load(holidaysJSON: Array(#"["2026-03-20", "2026-03-23"]"#.utf8))
        #expect(calendar.holidays == [day("2026-03-20"), day("2026-03-23")])
        #expect(!calendar.isWorkingDay(day("2026-03-20")))
        #expect(calendar.isWorkingDay(day("2026-06-15")))
        #expect(calendar.timeZone == WorkingCalendar.bakuTimeZone)
    }

    @Test("a document may name the time zone")
    func document() throws {
        let json = #"{"timeZone": "UTC", "holidays": ["2026-01-01"]}"#
        let calendar = try WorkingCalendar.load(holidaysJSON: Data(json.utf8))
        #expect(calendar.timeZone.identifier == "UTC" || calendar.timeZone.secondsFromGMT() == 0)
        #expect(calendar.localDay(of: instant("2026-06-02T22:00:00Z")) == day("2026-06-02"))
    }

    @Test("errors name the bad entry")
    func errors() {
        #expect(throws: WorkingCalendarError.invalidHoliday(index: 1, text: "2026-02-30")) {
            try WorkingCalendar.load(holidaysJSON: Array(#"["2026-01-01", "2026-02-30"]"#.utf8))
        }
        #expect(throws: WorkingCalendarError.unknownTimeZone(identifier: "Mars/Olympus")) {
            try WorkingCalendar.load(holidaysJSON: Array(#"{"timeZone": "Mars/Olympus", "holidays": []}"#.utf8))
        }
        do {
            _ = try WorkingCalendar.load(holidaysJSON: Array("holidays?".utf8))
            Issue.record("expected a refusal")
        } catch {
            guard case .notJSON = error else { Issue.record("unexpected \(error)"); return }
            #expect(error.description.hasPrefix("holiday list:"))
        }
        #expect(WorkingCalendarError.invalidHoliday(index: 1, text: "x").description == #"holidays[1]: "x" is not an existing YYYY-MM-DD date"#)
    }
}
