import Contract
import Foundation
import WorkingCalendar

/// An instant from RFC 3339 text, for readable tests.
func instant(_ text: String) -> Date {
    guard let date = Timestamp.parse(text) else { fatalError("bad test timestamp \(text)") }
    return date
}

func date(_ text: String) -> CivilDay {
    guard let date = CivilDay(text) else { fatalError("bad test date \(text)") }
    return date
}

enum Fixtures {
    static let caseId = UUID(uuidString: "C8F0A1B2-0000-4000-8000-000000000001")!
    static let referralId = UUID(uuidString: "D1E2F3A4-0000-4000-8000-000000000002")!

    static let person = PersonDetails(
        personalId: "5ABC1D2", firstName: "Əli", lastName: "Məmmədov", patronymic: "Vüqar oğlu",
        birthDate: date("1990-02-14"), sex: "male", phone: "+994501234567", district: "binagadi",
        addressLine: "M. Rəsulzadə qəs., 12"
    )

    /// A case like the contract's example: one child aged 10 on 2026-05-29.
    static func openedCase(
        needs: [String] = ["health", "employment"],
        family: [FamilyMember] = [FamilyMember(relation: "child", firstName: "Aysel", lastName: nil, birthDate: date("2015-09-01"))],
        readmittedAt: String = "2026-05-29T10:15:00+04:00",
        person: PersonDetails = Fixtures.person
    ) -> CaseOpened {
        CaseOpened(
            caseId: caseId, personId: UUID(uuidString: "A0000000-0000-4000-8000-000000000003")!,
            smsReference: "SMS-2026-000123", readmittedAt: instant(readmittedAt),
            openedAt: instant(readmittedAt).addingTimeInterval(60), person: person, family: family,
            needs: needs, awaitingConsent: false
        )
    }
}
