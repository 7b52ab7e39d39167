import Contract
import Foundation
import IntakeDomain
import Testing

/// The contract's example records and a fixed clock to check them against.
enum IntakeFixtures {
    /// 2026-05-30 12:00 in Baku.
    static let now = Timestamp.parse("2026-05-30T12:00:00+04:00") ?? Date(timeIntervalSince1970: 0)

    /// The contract's example `readmission.v1` record: valid at `now`.
    static let validRecord: JSONFixture = [
        "schema": "readmission.v1",
        "smsReference": "SMS-2026-000123",
        "readmittedAt": "2026-05-29T10:15:00+04:00",
        "agreement": ["country": "DE", "reference": "RA-DE-2026-77"],
        "borderPoint": "GYD",
        "person": [
            "personalId": "5ABC1D2",
            "firstName": "Əli", "lastName": "Məmmədov", "patronymic": "Vüqar oğlu",
            "birthDate": "1990-02-14", "sex": "male",
            "phone": "+994501234567",
            "address": ["district": "binagadi", "line": "M. Rəsulzadə qəs., 12"],
        ],
        "family": [["relation": "child", "firstName": "Aysel", "birthDate": "2015-09-01"]],
        "needs": ["health", "employment"],
        "notes": "free text for the working group",
        "consent": ["dataSharing": true, "recordedAt": "2026-05-29T10:20:00+04:00"],
    ]

    /// The contract's example `consent.v1` update.
    static let validConsent: JSONFixture = [
        "schema": "consent.v1",
        "smsReference": "SMS-2026-000123",
        "dataSharing": true,
        "recordedAt": "2026-05-30T09:00:00+04:00",
    ]

    static func parse(_ fixture: JSONFixture, now: Date = now) -> IntakeInput {
        IntakeParser().parse(body: fixture.bytes, now: now)
    }

    static func parse(bytes: [UInt8], now: Date = now) -> IntakeInput {
        IntakeParser().parse(body: bytes, now: now)
    }
}

extension IntakeInput {
    var readmission: ValidatedReadmission? {
        if case .readmission(let record) = self { record } else { nil }
    }

    var consent: ConsentUpdate? {
        if case .consent(let update) = self { update } else { nil }
    }

    var refusal: IntakeRefusal? {
        if case .refused(let refusal) = self { refusal } else { nil }
    }
}
