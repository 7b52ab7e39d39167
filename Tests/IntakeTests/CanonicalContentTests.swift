import Contract
import Foundation
import IntakeDomain
import Testing

/// Same content, same text; different content, different text (duplicate vs conflict).
@Suite("canonical content")
struct CanonicalContentTests {
    static func canonical(_ fixture: JSONFixture) -> String? {
        IntakeFixtures.parse(fixture).readmission?.canonicalContent
    }

    static func canonical(text: String) -> String? {
        IntakeFixtures.parse(bytes: Array(text.utf8)).readmission?.canonicalContent
    }

    static let base = canonical(IntakeFixtures.validRecord)

    @Test func theFormIsSortedCompactJSON() throws {
        let text = try #require(Self.base)
        #expect(text == #"{"agreement":{"country":"DE","reference":"RA-DE-2026-77"},"borderPoint":"GYD","#
            + #""consent":{"dataSharing":true,"recordedAt":"2026-05-29T06:20:00.000Z"},"#
            + #""family":[{"birthDate":"2015-09-01","firstName":"Aysel","relation":"child"}],"#
            + #""needs":["health","employment"],"notes":"free text for the working group","#
            + #""person":{"address":{"district":"binagadi","line":"M. Rəsulzadə qəs., 12"},"birthDate":"1990-02-14","#
            + #""firstName":"Əli","lastName":"Məmmədov","patronymic":"Vüqar oğlu","personalId":"5ABC1D2","#
            + #""phone":"+994501234567","sex":"male"},"readmittedAt":"2026-05-29T06:15:00.000Z","#
            + #""schema":"readmission.v1","smsReference":"SMS-2026-000123"}"#)
        let reparsed = try JSONSerialization.jsonObject(with: Data(text.utf8))
        #expect(reparsed is [String: Any])
    }

    @Test func keyOrderAndWhitespaceDoNotMatter() {
        let reordered = IntakeFixtures.validRecord.reversingKeys
        #expect(reordered.rendered() != IntakeFixtures.validRecord.rendered())
        #expect(Self.canonical(reordered) == Self.base)
        #expect(Self.canonical(text: reordered.rendered(spaced: true)) == Self.base)
        #expect(Self.canonical(text: IntakeFixtures.validRecord.rendered(spaced: true)) == Self.base)
    }

    @Test(arguments: [
        FieldCase("readmittedAt", "2026-05-29T06:15:00Z"),
        FieldCase("readmittedAt", "2026-05-29T06:15:00.000Z"),
        FieldCase("readmittedAt", "2026-05-29T01:15:00-05:00"),
        FieldCase("needs", ["employment", "health", "health"]),
        FieldCase("unknownField", "ignored"),
        FieldCase("person.nickname", "ignored"),
    ])
    func sameContent(_ row: FieldCase) {
        #expect(Self.canonical(IntakeFixtures.validRecord.setting(row.path, to: row.value)) == Self.base)
    }

    @Test func absentAndNullOptionalFieldsAreTheSameContent() {
        let withoutNotes = IntakeFixtures.validRecord.setting("notes", to: nil).setting("family", to: nil)
        let nullNotes = IntakeFixtures.validRecord.setting("notes", to: .null).setting("family", to: [])
        #expect(Self.canonical(withoutNotes) != nil)
        #expect(Self.canonical(withoutNotes) == Self.canonical(nullNotes))
    }

    @Test func unicodeCompositionDoesNotMatter() {
        // "é" precomposed (U+00E9) and decomposed (e + U+0301) are the same name.
        let composed = Self.canonical(IntakeFixtures.validRecord.setting("person.firstName", to: "Ren\u{E9}"))
        let decomposed = Self.canonical(IntakeFixtures.validRecord.setting("person.firstName", to: "Rene\u{301}"))
        #expect(composed != nil)
        #expect(composed == decomposed)
    }

    @Test(arguments: [
        FieldCase("person.firstName", "Ali"),
        FieldCase("person.birthDate", "1990-02-15"),
        FieldCase("person.patronymic", nil),
        FieldCase("person.address.district", "nasimi"),
        FieldCase("person.address.line", "M. Rəsulzadə qəs., 13"),
        FieldCase("readmittedAt", "2026-05-29T10:15:01+04:00"),
        FieldCase("agreement.country", "TR"),
        FieldCase("borderPoint", nil),
        FieldCase("family", []),
        FieldCase("family[0].relation", "other"),
        FieldCase("needs", ["health"]),
        FieldCase("notes", "other text"),
        FieldCase("notes", "Free text for the working group"),
        FieldCase("consent.dataSharing", false),
        FieldCase("consent.recordedAt", nil),
        FieldCase("smsReference", "SMS-2026-000124"),
    ])
    func differentContent(_ row: FieldCase) {
        let changed = Self.canonical(IntakeFixtures.validRecord.setting(row.path, to: row.value))
        #expect(changed != nil)
        #expect(changed != Self.base)
    }

    @Test func controlCharactersAreEscaped() throws {
        let notes = "line one\nline \"two\"\t\\ \u{1}"
        let text = try #require(Self.canonical(IntakeFixtures.validRecord.setting("notes", to: .string(notes))))
        #expect(text.contains(#""notes":"line one\nline \"two\"\t\\ \u0001""#))
        let reparsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(reparsed["notes"] as? String == notes)
    }
}

/// Inputs fuzzing found, kept so they stay fixed.
@Suite("fuzzing regressions")
struct IntakeFuzzRegressionTests {
    /// Consent recorded in 1013: Foundation's formatter wrote the date on the Julian
    /// calendar, so the canonical content was not what the parser read back from it.
    @Test func consentRecordedBeforeTheGregorianReform() throws {
        let body = #"{"schema":"readmission.v1","smsReference":"SMS-2026-000123","readmittedAt":"2026-05-29T10:15:00+04:00","agreement":{"country":"DE","reference":"RA-DE-2026-77"},"borderPoint":"GYD","person":{"personalId":"5ABC1D2","firstName":"Əli","lastName":"Məmmədov","patronymic":"Vüqar oğlu","birthDate":"1990-02-14","sex":"male","phone":"+994501234567","address":{"district":"binagadi","line":"M. Rəsulzadə qəs., 12"}},"family":[{"relation":"child","firstName":"Aysel","birthDate":"2015-09-01"}],"needs":["health","employment"],"notes":"free text for the working group","consent":{"dataSharing":true,"recordedAt":"1013-05-29T10:20:00+04:00"}}"#
        let record = try #require(IntakeFixtures.parse(bytes: Array(body.utf8)).readmission)
        #expect(record.canonicalContent.contains(#""recordedAt":"1013-05-29T06:20:00.000Z""#))
        let again = try #require(IntakeFixtures.parse(bytes: Array(record.canonicalContent.utf8)).readmission)
        #expect(again.canonicalContent == record.canonicalContent)
    }
}
