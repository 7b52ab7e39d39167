import Contract
import Foundation
import ReferralDomain
import Testing
import WorkingCalendar

@Suite("ReferralComposer")
struct ReferralComposerTests {
    let composer = ReferralComposer()
    let issuedAt = instant("2026-06-02T09:00:00+04:00")

    func compose(_ agency: String, needs: [String], openedCase: CaseOpened = Fixtures.openedCase(), composer: ReferralComposer? = nil) throws -> ReferralMessage {
        try (composer ?? self.composer).compose(
            referralId: Fixtures.referralId, for: openedCase,
            referral: PlannedReferral(agency: agency, needs: needs), issuedAt: issuedAt)
    }

    /// Every key anywhere in a JSON document.
    func keys(in json: [UInt8]) throws -> Set<String> {
        func collect(_ value: Any) -> Set<String> {
            if let object = value as? [String: Any] {
                return Set(object.keys).union(object.values.flatMap(collect))
            }
            if let array = value as? [Any] { return Set(array.flatMap(collect)) }
            return []
        }
        return collect(try JSONSerialization.jsonObject(with: Data(json)))
    }

    @Test("a health referral carries the person block and no children")
    func health() throws {
        let message = try compose("health", needs: ["health"])
        #expect(message.schema == "referral.v1")
        #expect(message.referralId == Fixtures.referralId)
        #expect(message.caseId == Fixtures.caseId)
        #expect(message.needs == ["health"])
        #expect(message.acknowledgeBy == instant("2026-06-04T23:59:59+04:00"))
        #expect(message.dueBy == instant("2026-06-17T23:59:59+04:00"))
        #expect(message.person == ReferralMessage.Person(
            personalId: "5ABC1D2", firstName: "Əli", lastName: "Məmmədov", patronymic: "Vüqar oğlu",
            birthDate: date("1990-02-14"), sex: "male", phone: "+994501234567", district: "binagadi",
            addressLine: "M. Rəsulzadə qəs., 12"))
        #expect(message.children.isEmpty)
    }

    @Test("education gets the children aged 6-17, first name and birth date only")
    func education() throws {
        let family = [
            FamilyMember(relation: "child", firstName: "Aysel", lastName: "Məmmədova", birthDate: date("2015-09-01")),
            FamilyMember(relation: "child", firstName: "Murad", lastName: nil, birthDate: date("2022-01-10")),  // 4
            FamilyMember(relation: "child", firstName: "Tural", lastName: nil, birthDate: date("2005-03-03")),  // 21
            FamilyMember(relation: "spouse", firstName: "Günel", lastName: nil, birthDate: date("2012-01-01")),
        ]
        let message = try compose("education", needs: ["education"], openedCase: Fixtures.openedCase(family: family))
        #expect(message.children == [ReferralMessage.Child(firstName: "Aysel", birthDate: date("2015-09-01"))])
        let json = try ContractCoding.encode(message)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains(#""children":[{"birthDate":"2015-09-01","firstName":"Aysel"}]"#))
        #expect(!text.contains("Məmmədova") && !text.contains("Murad") && !text.contains("Günel"))
    }

    @Test("the JSON holds none of the forbidden keys nor other agencies' needs")
    func minimisation() throws {
        let message = try compose("labour", needs: ["employment", "health", "housing"])
        #expect(message.needs == ["employment"])
        let json = try ContractCoding.encode(message)
        let found = try keys(in: json)
        let forbidden: Set<String> = [
            "notes", "agreement", "country", "reference", "borderPoint", "family", "relation", "consent",
            "dataSharing", "smsReference", "personId", "awaitingConsent", "readmittedAt", "openedAt", "lastName_child",
        ]
        #expect(found.isDisjoint(with: forbidden))
        #expect(found == [
            "schema", "referralId", "caseId", "agency", "needs", "issuedAt", "acknowledgeBy", "dueBy", "person",
            "children", "personalId", "firstName", "lastName", "patronymic", "birthDate", "sex", "phone",
            "district", "addressLine",
        ])
        let text = String(decoding: json, as: UTF8.self)
        #expect(!text.contains("\"health\"") && !text.contains("housing"))
        #expect(!text.contains("SMS-2026"))
    }

    @Test("fields the agency may not see are omitted, not null")
    func restrictedFields() throws {
        let policy = try ReferralPolicy.load(json: Array(#"{"districtAuthority": {"fields": ["firstName", "lastName", "district", "addressLine"]}}"#.utf8))
        let composer = ReferralComposer(policy: policy, calendar: WorkingCalendar())
        let message = try compose("local.binagadi", needs: ["documents"], composer: composer)
        let json = try ContractCoding.encode(message)
        let text = String(decoding: json, as: UTF8.self)
        #expect(!text.contains("null"))
        #expect(try keys(in: json).isDisjoint(with: ["personalId", "patronymic", "birthDate", "sex", "phone"]))
        #expect(message.person == ReferralMessage.Person(
            firstName: "Əli", lastName: "Məmmədov", district: "binagadi", addressLine: "M. Rəsulzadə qəs., 12"))
        // A missing optional value is omitted too.
        var person = Fixtures.person
        person.patronymic = nil
        person.personalId = nil
        let bare = try compose("health", needs: [], openedCase: Fixtures.openedCase(person: person))
        #expect(try keys(in: ContractCoding.encode(bare)).isDisjoint(with: ["personalId", "patronymic"]))
    }

    @Test("timestamps are written with the Baku offset and decode back")
    func timestamps() throws {
        let message = try compose("health", needs: ["health"])
        let json = try ContractCoding.encode(message)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains(#""issuedAt":"2026-06-02T09:00:00+04:00""#))
        #expect(text.contains(#""acknowledgeBy":"2026-06-04T23:59:59+04:00""#))
        #expect(text.contains(#""dueBy":"2026-06-17T23:59:59+04:00""#))
        #expect(text.contains(#""birthDate":"1990-02-14""#))
        #expect(try ContractCoding.decode(ReferralMessage.self, from: json) == message)
        #expect(try JSONDecoder().decode(ReferralMessage.self, from: Data(json)) == message)
    }

    @Test("an unknown agency is an error")
    func unknownAgency() {
        #expect(throws: ReferralPolicyError.unknownAgency(code: "justice")) {
            try compose("justice", needs: [])
        }
    }
}
