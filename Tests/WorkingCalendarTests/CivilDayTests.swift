import Foundation
import Testing
import WorkingCalendar

@Suite("CivilDay")
struct CivilDayTests {
    @Test("parses and prints YYYY-MM-DD, refusing days that do not exist")
    func parsing() {
        #expect(CivilDay("2026-12-30")?.description == "2026-12-30")
        #expect(CivilDay("2028-02-29") != nil)
        #expect(CivilDay("2027-02-29") == nil)
        #expect(CivilDay("2026-13-01") == nil)
        #expect(CivilDay("2026-1-01") == nil)
        #expect(CivilDay("2026-01-01T00:00") == nil)
        #expect(CivilDay("+026-01-01") == nil)
    }

    @Test("ordinals count days from 1970-01-01 and round-trip across centuries")
    func ordinals() throws {
        #expect(CivilDay(year: 1970, month: 1, day: 1)?.ordinal == 0)
        #expect(CivilDay(year: 1969, month: 12, day: 31)?.ordinal == -1)
        #expect(CivilDay(year: 2000, month: 3, day: 1)?.ordinal == 11_017)
        #expect(CivilDay(year: 2026, month: 1, day: 1)?.ordinal == 20_454)
        for ordinal in stride(from: -200_000, through: 200_000, by: 997) {
            #expect(CivilDay(ordinal: ordinal).ordinal == ordinal)
        }
        let leapDay = try #require(CivilDay("2000-02-29"))
        #expect(leapDay.advanced(by: 1).description == "2000-03-01")
        #expect(leapDay.advanced(by: -60).description == "1999-12-31")
    }

    @Test("an age is the whole years from a birth day to a given day")
    func ages() throws {
        let birth = try #require(CivilDay("2010-03-15"))
        #expect(birth.years(until: try #require(CivilDay("2026-03-14"))) == 15)
        #expect(birth.years(until: try #require(CivilDay("2026-03-15"))) == 16)
        let leapling = try #require(CivilDay("2008-02-29"))
        #expect(leapling.years(until: try #require(CivilDay("2026-02-28"))) == 17)
        #expect(leapling.years(until: try #require(CivilDay("2026-03-01"))) == 18)
    }

    @Test("weekdays are ISO: Monday 1 … Sunday 7")
    func weekdays() {
        #expect(CivilDay("2026-12-30")?.weekday == 3)  // Wednesday
        #expect(CivilDay("2027-01-02")?.weekday == 6)
        #expect(CivilDay("2027-01-03")?.weekday == 7)
        #expect(CivilDay("1970-01-01")?.weekday == 4)
        #expect(CivilDay("1969-12-29")?.weekday == 1)
    }

    @Test("codes as a JSON string")
    func coding() throws {
        let day = try #require(CivilDay("2026-06-15"))
        let json = try JSONEncoder().encode([day])
        #expect(String(decoding: json, as: UTF8.self) == "[\"2026-06-15\"]")
        #expect(try JSONDecoder().decode([CivilDay].self, from: json) == [day])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([CivilDay].self, from: Data("[\"2026-06-31\"]".utf8)) }
    }
}
