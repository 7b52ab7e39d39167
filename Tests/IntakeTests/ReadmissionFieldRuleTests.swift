import Contract
import Foundation
import IntakeDomain
import Testing
import WorkingCalendar

/// One table per rule of the contract's `readmission.v1` field table.
@Suite("readmission.v1 field rules")
struct ReadmissionFieldRuleTests {
    @Test func theContractsExampleIsAccepted() throws {
        let record = try #require(IntakeFixtures.parse(IntakeFixtures.validRecord).readmission)
        #expect(record.smsReference == "SMS-2026-000123")
        #expect(record.readmittedAt == Timestamp.parse("2026-05-29T06:15:00Z"))
        #expect(record.agreementCountry == "DE")
        #expect(record.agreementReference == "RA-DE-2026-77")
        #expect(record.borderPoint == "GYD")
        #expect(record.person == PersonDetails(
            personalId: "5ABC1D2", firstName: "Əli", lastName: "Məmmədov", patronymic: "Vüqar oğlu",
            birthDate: CivilDay("1990-02-14")!, sex: "male", phone: "+994501234567",
            district: "binagadi", addressLine: "M. Rəsulzadə qəs., 12"))
        #expect(record.family == [FamilyMember(
            relation: "child", firstName: "Aysel", lastName: nil, birthDate: CivilDay("2015-09-01")!)])
        #expect(record.needs == ["health", "employment"])
        #expect(record.notes == "free text for the working group")
        #expect(record.dataSharing)
        #expect(record.consentRecordedAt == Timestamp.parse("2026-05-29T10:20:00+04:00"))
    }

    @Test(arguments: [
        FieldCase("smsReference", "SMS-2026-000123"),
        FieldCase("smsReference", "a.b_c/d-E9"),
        FieldCase("smsReference", "X"),
        FieldCase("smsReference", .string(String(repeating: "A", count: 64))),
        FieldCase("smsReference", .string(String(repeating: "A", count: 65)), "must be at most 64 characters"),
        FieldCase("smsReference", "", "must not be empty"),
        FieldCase("smsReference", "SMS 2026", "must contain only A-Z, a-z, 0-9, '.', '_', '/' and '-'"),
        FieldCase("smsReference", "SMS-Ə", "must contain only A-Z, a-z, 0-9, '.', '_', '/' and '-'"),
        FieldCase("smsReference", "SMS:1", "must contain only A-Z, a-z, 0-9, '.', '_', '/' and '-'"),
        FieldCase("smsReference", 123, "must be a string"),
        FieldCase("smsReference", nil, "is required"),
        FieldCase("smsReference", .null, "is required"),
        FieldCase("smsReference", "SMS\u{0}1", "must not contain NUL characters"),
    ])
    func smsReference(_ row: FieldCase) { row.check() }

    /// `now` is 2026-05-30T12:00:00+04:00, so the latest accepted instant is 2026-05-31T08:00:00Z.
    @Test(arguments: [
        FieldCase("readmittedAt", "2026-05-29T10:15:00+04:00"),
        FieldCase("readmittedAt", "2026-05-29T06:15:00Z"),
        FieldCase("readmittedAt", "2026-05-29T06:15:00.250z"),
        FieldCase("readmittedAt", "2026-05-31T12:00:00+04:00"),
        FieldCase("readmittedAt", "2026-05-31T08:00:00Z"),
        FieldCase("readmittedAt", "2026-05-31T03:00:00-05:00"),
        FieldCase("readmittedAt", "2026-05-31T12:00:01+04:00", "is more than 1 day in the future"),
        FieldCase("readmittedAt", "2026-05-31T08:00:01Z", "is more than 1 day in the future"),
        FieldCase("readmittedAt", "2026-05-31T03:00:01-05:00", "is more than 1 day in the future"),
        FieldCase("readmittedAt", "2000-01-01T00:00:00+04:00"),
        FieldCase("readmittedAt", "1999-12-31T20:00:00Z"),
        FieldCase("readmittedAt", "1999-12-31T19:59:59Z", "is before 2000-01-01"),
        FieldCase("readmittedAt", "1999-12-31T23:59:59+04:00", "is before 2000-01-01"),
        FieldCase("readmittedAt", "2026-05-29T10:15:00",
                  "must be an RFC 3339 date and time with offset (e.g. 2026-05-29T10:15:00+04:00)"),
        FieldCase("readmittedAt", "2026-05-29",
                  "must be an RFC 3339 date and time with offset (e.g. 2026-05-29T10:15:00+04:00)"),
        FieldCase("readmittedAt", "2026-02-30T10:15:00+04:00",
                  "must be an RFC 3339 date and time with offset (e.g. 2026-05-29T10:15:00+04:00)"),
        FieldCase("readmittedAt", "yesterday",
                  "must be an RFC 3339 date and time with offset (e.g. 2026-05-29T10:15:00+04:00)"),
        FieldCase("readmittedAt", 1_780_000_000, "must be a string"),
        FieldCase("readmittedAt", nil, "is required"),
    ])
    func readmittedAt(_ row: FieldCase) { row.check() }

    @Test(arguments: [
        FieldCase("agreement.country", "TR"),
        FieldCase("agreement.country", "GB"),
        FieldCase("agreement.country", "AZ", "must be the other party's country, not AZ"),
        FieldCase("agreement.country", "de", "must be an ISO 3166-1 alpha-2 country code (two capital letters)"),
        FieldCase("agreement.country", "XX", "must be an ISO 3166-1 alpha-2 country code (two capital letters)"),
        FieldCase("agreement.country", "DEU", "must be an ISO 3166-1 alpha-2 country code (two capital letters)"),
        FieldCase("agreement.country", "", "must not be empty"),
        FieldCase("agreement.country", 49, "must be a string"),
        FieldCase("agreement.country", nil, "is required"),
        FieldCase("agreement", nil, "is required"),
        FieldCase("agreement", "DE", "must be an object"),
        FieldCase("agreement", ["country": "DE"]),
        FieldCase("agreement.reference", nil),
        FieldCase("agreement.reference", .null),
        FieldCase("agreement.reference", .string(String(repeating: "R", count: 64))),
        FieldCase("agreement.reference", .string(String(repeating: "R", count: 65)), "must be at most 64 characters"),
        FieldCase("agreement.reference", 77, "must be a string"),
        FieldCase("borderPoint", nil),
        FieldCase("borderPoint", "Astara-border-16"),
        FieldCase("borderPoint", "Astara-border-017", "must be at most 16 characters"),
        FieldCase("borderPoint", ["GYD"], "must be a string"),
    ])
    func agreementAndBorderPoint(_ row: FieldCase) { row.check() }

    @Test(arguments: [
        FieldCase("person.personalId", "1234567"),
        FieldCase("person.personalId", "ABCDEFG"),
        FieldCase("person.personalId", nil),
        FieldCase("person.personalId", .null),
        FieldCase("person.personalId", "5abc1d2", "must be exactly 7 characters of 0-9 and A-Z"),
        FieldCase("person.personalId", "5ABC1D", "must be exactly 7 characters of 0-9 and A-Z"),
        FieldCase("person.personalId", "5ABC1D23", "must be exactly 7 characters of 0-9 and A-Z"),
        FieldCase("person.personalId", "5ABC-D2", "must be exactly 7 characters of 0-9 and A-Z"),
        FieldCase("person.personalId", "5ABÇ1D2", "must be exactly 7 characters of 0-9 and A-Z"),
        FieldCase("person.personalId", "", "must not be empty"),
        FieldCase("person.personalId", 1_234_567, "must be a string"),
    ])
    func personalId(_ row: FieldCase) { row.check() }

    static let nameCharacters = "must contain only letters, spaces, hyphens and apostrophes"

    @Test(arguments: [
        FieldCase("person.firstName", "Əli"),
        FieldCase("person.firstName", "Günay"),
        FieldCase("person.firstName", "İlqar"),
        FieldCase("person.firstName", "Şəbnəm"),
        FieldCase("person.firstName", "Çingiz"),
        FieldCase("person.firstName", "Ağa"),
        FieldCase("person.firstName", "Aynur-Ülviyyə"),
        FieldCase("person.firstName", "Алексей"),
        FieldCase("person.firstName", "محمد"),
        FieldCase("person.firstName", "ნინო"),
        FieldCase("person.firstName", "José"),
        FieldCase("person.firstName", "Jose\u{301}"),
        FieldCase("person.firstName", "Mary Ann"),
        FieldCase("person.lastName", "O'Brien"),
        FieldCase("person.lastName", "O’Neil"),
        FieldCase("person.lastName", "ŞIRINOVA"),
        FieldCase("person.lastName", "Öztürk"),
        FieldCase("person.lastName", "Иванова"),
        FieldCase("person.lastName", "عبدالله"),
        FieldCase("person.lastName", .string(String(repeating: "ə", count: 100))),
        // Characters and Unicode scalars both count: 50 decomposed letters are 100 scalars.
        FieldCase("person.lastName", .string(String(repeating: "e\u{301}", count: 50))),
        FieldCase("person.lastName", .string(String(repeating: "e\u{301}", count: 51)), "must be at most 100 characters"),
        FieldCase("person.lastName", .string(String(repeating: "ə", count: 101)), "must be at most 100 characters"),
        FieldCase("person.firstName", "Ali2", nameCharacters),
        FieldCase("person.firstName", "Ali😀", nameCharacters),
        FieldCase("person.firstName", "👍", nameCharacters),
        FieldCase("person.firstName", "Ali.", nameCharacters),
        FieldCase("person.firstName", "Ali\tVəli", nameCharacters),
        FieldCase("person.firstName", "<script>", nameCharacters),
        FieldCase("person.lastName", "٣٣", nameCharacters),
        FieldCase("person.firstName", "   ", "must contain a letter"),
        FieldCase("person.firstName", "'-'", "must contain a letter"),
        FieldCase("person.firstName", "", "must not be empty"),
        FieldCase("person.firstName", "Ə\u{0}li", "must not contain NUL characters"),
        FieldCase("person.firstName", nil, "is required"),
        FieldCase("person.firstName", .null, "is required"),
        FieldCase("person.lastName", nil, "is required"),
        FieldCase("person.lastName", 7, "must be a string"),
        FieldCase("person.lastName", ["Məmmədov"], "must be a string"),
        FieldCase("person.patronymic", nil),
        FieldCase("person.patronymic", .null),
        FieldCase("person.patronymic", "Vüqar qızı"),
        FieldCase("person.patronymic", "Сергеевич"),
        FieldCase("person.patronymic", .string(String(repeating: "a", count: 101)), "must be at most 100 characters"),
        FieldCase("person.patronymic", "Vüqar 2", nameCharacters),
        FieldCase("person.patronymic", "", "must not be empty"),
        FieldCase("person.patronymic", true, "must be a string"),
    ])
    func names(_ row: FieldCase) { row.check() }

    /// Today in Baku is 2026-05-30.
    @Test(arguments: [
        FieldCase("person.birthDate", "2024-02-29"),
        FieldCase("person.birthDate", "2000-02-29"),
        FieldCase("person.birthDate", "2026-05-30"),
        FieldCase("person.birthDate", "1906-05-30"),
        FieldCase("person.birthDate", "1905-05-31"),
        FieldCase("person.birthDate", "1905-05-30", "is more than 120 years ago"),
        FieldCase("person.birthDate", "1800-01-01", "is more than 120 years ago"),
        FieldCase("person.birthDate", "2026-05-31", "is in the future"),
        FieldCase("person.birthDate", "2090-01-01", "is in the future"),
        FieldCase("person.birthDate", "2025-02-29", "is not a real date"),
        FieldCase("person.birthDate", "2026-02-30", "is not a real date"),
        FieldCase("person.birthDate", "1900-02-29", "is not a real date"),
        FieldCase("person.birthDate", "1990-13-01", "is not a real date"),
        FieldCase("person.birthDate", "1990-04-31", "is not a real date"),
        FieldCase("person.birthDate", "0000-01-01", "is not a real date"),
        FieldCase("person.birthDate", "1990-2-14", "must be a date in the form YYYY-MM-DD"),
        FieldCase("person.birthDate", "14.02.1990", "must be a date in the form YYYY-MM-DD"),
        FieldCase("person.birthDate", "1990-02-14T00:00:00Z", "must be a date in the form YYYY-MM-DD"),
        FieldCase("person.birthDate", "١٩٩٠-٠٢-١٤", "must be a date in the form YYYY-MM-DD"),
        FieldCase("person.birthDate", 19_900_214, "must be a string"),
        FieldCase("person.birthDate", nil, "is required"),
        FieldCase("person.birthDate", .null, "is required"),
        FieldCase("person.birthDate", "", "must not be empty"),
    ])
    func birthDate(_ row: FieldCase) { row.check() }

    /// "Today" is the Baku date of `now`, whatever the server's time zone.
    @Test func birthDateFutureIsDecidedOnTheBakuCalendar() {
        // 21:30 UTC on the 29th is already 01:30 on the 30th in Baku (UTC+4).
        let lateEveningUTC = Timestamp.parse("2026-05-29T21:30:00Z") ?? .distantPast
        FieldCase("person.birthDate", "2026-05-30").check(now: lateEveningUTC)
        FieldCase("family[0].birthDate", "2026-05-30").check(now: lateEveningUTC)
        FieldCase("person.birthDate", "2026-05-31", "is in the future").check(now: lateEveningUTC)
        // 19:30 UTC on the 29th is 23:30 on the 29th in Baku.
        let eveningUTC = Timestamp.parse("2026-05-29T19:30:00Z") ?? .distantPast
        FieldCase("person.birthDate", "2026-05-29").check(now: eveningUTC)
        FieldCase("person.birthDate", "2026-05-30", "is in the future").check(now: eveningUTC)
        FieldCase("family[0].birthDate", "2026-05-30", "is in the future").check(now: eveningUTC)
    }

    @Test(arguments: [
        FieldCase("person.sex", "female"),
        FieldCase("person.sex", "male"),
        FieldCase("person.sex", nil),
        FieldCase("person.sex", .null),
        FieldCase("person.sex", "Male", "must be female or male"),
        FieldCase("person.sex", "m", "must be female or male"),
        FieldCase("person.sex", "other", "must be female or male"),
        FieldCase("person.sex", 1, "must be a string"),
        FieldCase("person.phone", "+994501234567"),
        FieldCase("person.phone", "+12345678"),
        FieldCase("person.phone", "+123456789012345"),
        FieldCase("person.phone", nil),
        FieldCase("person.phone", "+1234567", "must be in E.164 form: + and 8 to 15 digits"),
        FieldCase("person.phone", "+1234567890123456", "must be in E.164 form: + and 8 to 15 digits"),
        FieldCase("person.phone", "994501234567", "must be in E.164 form: + and 8 to 15 digits"),
        FieldCase("person.phone", "+994 50 123 45 67", "must be in E.164 form: + and 8 to 15 digits"),
        FieldCase("person.phone", "+0994501234567", "must be in E.164 form: + and 8 to 15 digits"),
        FieldCase("person.phone", "+99450123456a", "must be in E.164 form: + and 8 to 15 digits"),
        FieldCase("person.phone", "+٩٩٤٥٠١٢٣٤٥٦٧", "must be in E.164 form: + and 8 to 15 digits"),
        FieldCase("person.phone", 994_501_234_567, "must be a string"),
    ])
    func sexAndPhone(_ row: FieldCase) { row.check() }

    @Test(arguments: [
        FieldCase("person.address.district", "nasimi"),
        FieldCase("person.address.district", "ganja"),
        FieldCase("person.address.district", "sumgait"),
        FieldCase("person.address.district", "zardab"),
        FieldCase("person.address.district", "Nasimi", "is not a known district code"),
        FieldCase("person.address.district", "atlantis", "is not a known district code"),
        FieldCase("person.address.district", "", "must not be empty"),
        FieldCase("person.address.district", nil, "is required"),
        FieldCase("person.address.district", 12, "must be a string"),
        FieldCase("person.address", nil, "is required"),
        FieldCase("person.address", "binagadi", "must be an object"),
        FieldCase("person.address.line", nil),
        FieldCase("person.address.line", ""),
        FieldCase("person.address.line", .string(String(repeating: "ş", count: 200))),
        FieldCase("person.address.line", .string(String(repeating: "ş", count: 201)), "must be at most 200 characters"),
        FieldCase("person.address.line", 12, "must be a string"),
        FieldCase("person.address.line", "M. Rəsulzadə\u{0}", "must not contain NUL characters"),
        FieldCase("person", nil, "is required"),
        FieldCase("person", .null, "is required"),
        FieldCase("person", "Əli Məmmədov", "must be an object"),
        FieldCase("person", ["Əli"], "must be an object"),
    ])
    func addressAndPerson(_ row: FieldCase) { row.check() }

    static let twentyChildren = JSONFixture.array(Array(
        repeating: ["relation": "child", "firstName": "Aysel", "birthDate": "2015-09-01"], count: 20))
    static let twentyOneChildren = JSONFixture.array(Array(
        repeating: ["relation": "child", "firstName": "Aysel", "birthDate": "2015-09-01"], count: 21))

    @Test(arguments: [
        FieldCase("family", nil),
        FieldCase("family", .null),
        FieldCase("family", []),
        FieldCase("family", twentyChildren),
        FieldCase("family", twentyOneChildren, "must have at most 20 entries"),
        FieldCase("family", ["relation": "child"], "must be an array"),
        FieldCase("family", "Aysel", "must be an array"),
        FieldCase("family[0]", "Aysel", "must be an object"),
        FieldCase("family[0]", .null, "must be an object"),
        FieldCase("family[0].relation", "spouse"),
        FieldCase("family[0].relation", "parent"),
        FieldCase("family[0].relation", "other"),
        FieldCase("family[0].relation", "cousin", "must be spouse, child, parent or other"),
        FieldCase("family[0].relation", nil, "is required"),
        FieldCase("family[0].relation", 1, "must be a string"),
        FieldCase("family[0].firstName", "Гюльнара"),
        FieldCase("family[0].firstName", nil, "is required"),
        FieldCase("family[0].firstName", "Aysel1", nameCharacters),
        FieldCase("family[0].lastName", "Məmmədova"),
        FieldCase("family[0].lastName", "Məmmədova🙂", nameCharacters),
        FieldCase("family[0].lastName", 5, "must be a string"),
        FieldCase("family[0].birthDate", "2024-02-29"),
        FieldCase("family[0].birthDate", nil, "is required"),
        FieldCase("family[0].birthDate", "2025-02-29", "is not a real date"),
        FieldCase("family[0].birthDate", "2027-01-01", "is in the future"),
        FieldCase("family[0].birthDate", "1890-01-01", "is more than 120 years ago"),
    ])
    func family(_ row: FieldCase) { row.check() }

    @Test func familyProblemsNameTheEntry() {
        let record = IntakeFixtures.validRecord.setting("family", to: [
            ["relation": "spouse", "firstName": "Leyla", "birthDate": "1992-03-08"],
            ["relation": "child", "firstName": "Aysel", "birthDate": "2030-01-01"],
        ])
        #expect(IntakeFixtures.parse(record).refusal?.problems
            == [FieldProblem(field: "family[1].birthDate", problem: "is in the future")])
    }

    static let needProblem = "is not a known need (health, psychosocial, employment, social-assistance, education, housing or documents)"

    @Test(arguments: [
        FieldCase("needs", nil),
        FieldCase("needs", .null),
        FieldCase("needs", []),
        FieldCase("needs", ["health", "psychosocial", "employment", "social-assistance", "education", "housing", "documents"]),
        FieldCase("needs", ["health", "health"]),
        FieldCase("needs", ["health", "employment", "sports"], needProblem, at: "needs[2]"),
        FieldCase("needs", ["Health"], needProblem, at: "needs[0]"),
        FieldCase("needs", [1], "must be a string", at: "needs[0]"),
        FieldCase("needs", ["health", .null], "must be a string", at: "needs[1]"),
        FieldCase("needs", "health", "must be an array"),
        FieldCase("notes", nil),
        FieldCase("notes", ""),
        FieldCase("notes", .string(String(repeating: "n", count: 4000))),
        FieldCase("notes", .string(String(repeating: "n", count: 4001)), "must be at most 4000 characters"),
        FieldCase("notes", "line one\nline two\u{0}", "must not contain NUL characters"),
        FieldCase("notes", 4000, "must be a string"),
    ])
    func needsAndNotes(_ row: FieldCase) { row.check() }

    @Test(arguments: [
        FieldCase("consent.dataSharing", false),
        FieldCase("consent.dataSharing", "true", "must be a boolean (true or false)"),
        FieldCase("consent.dataSharing", 1, "must be a boolean (true or false)"),
        FieldCase("consent.dataSharing", 0, "must be a boolean (true or false)"),
        FieldCase("consent.dataSharing", nil, "is required"),
        FieldCase("consent.dataSharing", .null, "is required"),
        FieldCase("consent.recordedAt", nil),
        FieldCase("consent.recordedAt", .null),
        FieldCase("consent.recordedAt", "2026-05-29T06:20:00Z"),
        FieldCase("consent.recordedAt", "2026-05-29 10:20",
                  "must be an RFC 3339 date and time with offset (e.g. 2026-05-29T10:15:00+04:00)"),
        FieldCase("consent.recordedAt", 5, "must be a string"),
        FieldCase("consent", nil, "is required"),
        FieldCase("consent", true, "must be an object"),
    ])
    func consent(_ row: FieldCase) { row.check() }

    @Test(arguments: [
        FieldCase("unknownField", "ignored"),
        FieldCase("person.nickname", 42),
        FieldCase("agreement.signedAt", ["nested": [1, 2, 3]]),
        FieldCase("family[0].school", .null),
    ])
    func unknownFieldsAreIgnored(_ row: FieldCase) { row.check() }

    @Test func falseConsentIsAValidRecord() throws {
        let record = try #require(IntakeFixtures.parse(
            IntakeFixtures.validRecord.setting("consent", to: ["dataSharing": false])).readmission)
        #expect(!record.dataSharing)
        #expect(record.consentRecordedAt == nil)
    }

    @Test func minimalRecordIsAccepted() throws {
        let minimal: JSONFixture = [
            "schema": "readmission.v1",
            "smsReference": "S1",
            "readmittedAt": "2026-05-29T10:15:00+04:00",
            "agreement": ["country": "DE"],
            "person": ["firstName": "Əli", "lastName": "Məmmədov", "birthDate": "1990-02-14",
                       "address": ["district": "nasimi"]],
            "consent": ["dataSharing": true],
        ]
        let record = try #require(IntakeFixtures.parse(minimal).readmission)
        #expect(record.family.isEmpty)
        #expect(record.needs == ["documents"])
        #expect(record.agreementReference == nil && record.borderPoint == nil && record.notes == nil)
    }
}
