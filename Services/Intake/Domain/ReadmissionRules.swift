import Contract
import Foundation
import StrictJSON

/// The contract's field rules for `readmission.v1`, checked in the contract's field order.
struct ReadmissionRules {
    let districts: DistrictCatalog

    func validate(_ record: [String: JSONValue], now: Date) -> Checked<ValidatedReadmission> {
        var check = FieldChecker(now: now)

        let smsReference = check.smsReference(record["smsReference"], at: "smsReference")
        let readmittedAt = readmittedAt(record["readmittedAt"], now: now, check: &check)

        var country: String?
        var agreementReference: String?
        if let agreement = check.object(record["agreement"], at: "agreement", required: true) {
            country = self.country(agreement["country"], check: &check)
            agreementReference = check.text(
                agreement["reference"], at: "agreement.reference", required: false, allowEmpty: true,
                maximumLength: IntakeVocabulary.agreementReferenceMaximumLength)
        }
        let borderPoint = check.text(
            record["borderPoint"], at: "borderPoint", required: false, allowEmpty: true,
            maximumLength: IntakeVocabulary.borderPointMaximumLength)

        var person: PersonDetails?
        if let fields = check.object(record["person"], at: "person", required: true) {
            person = self.person(fields, check: &check)
        }
        let family = self.family(record["family"], check: &check)
        let requestedNeeds = needs(record["needs"], check: &check)
        let notes = check.text(
            record["notes"], at: "notes", required: false, allowEmpty: true,
            maximumLength: IntakeVocabulary.notesMaximumLength)

        var dataSharing: Bool?
        var consentRecordedAt: Date?
        if let consent = check.object(record["consent"], at: "consent", required: true) {
            dataSharing = check.boolean(consent["dataSharing"], at: "consent.dataSharing", required: true)
            consentRecordedAt = check.timestamp(consent["recordedAt"], at: "consent.recordedAt", required: false)
        }

        guard check.problems.isEmpty, let smsReference, let readmittedAt, let country, let person,
              let family, let dataSharing
        else { return .invalid(check.problems) }

        var needs = Set(requestedNeeds)
        if person.personalId == nil { needs.insert(IntakeVocabulary.documentsNeed) }
        return .valid(ValidatedReadmission(
            smsReference: smsReference, readmittedAt: readmittedAt, agreementCountry: country,
            agreementReference: agreementReference, borderPoint: borderPoint, person: person, family: family,
            needs: IntakeVocabulary.needs.filter(needs.contains), notes: notes, dataSharing: dataSharing,
            consentRecordedAt: consentRecordedAt))
    }

    /// RFC 3339, at most a day ahead of `now`, not before 2000-01-01 in Baku.
    private func readmittedAt(_ value: JSONValue?, now: Date, check: inout FieldChecker) -> Date? {
        let field = "readmittedAt"
        guard let date = check.timestamp(value, at: field, required: true) else { return nil }
        if date.timeIntervalSince(now) > IntakeVocabulary.readmittedAtMaximumLead {
            check.report(field, "is more than 1 day in the future")
            return nil
        }
        if IntakeVocabulary.bakuCalendar.localDay(of: date) < IntakeVocabulary.earliestReadmissionDate {
            check.report(field, "is before \(IntakeVocabulary.earliestReadmissionDate)")
            return nil
        }
        return date
    }

    /// An assigned ISO 3166-1 alpha-2 code other than Azerbaijan's own.
    private func country(_ value: JSONValue?, check: inout FieldChecker) -> String? {
        let field = "agreement.country"
        guard let code = check.text(value, at: field, required: true) else { return nil }
        guard CountryCodes.assigned.contains(code) else {
            check.report(field, "must be an ISO 3166-1 alpha-2 country code (two capital letters)")
            return nil
        }
        guard code != CountryCodes.azerbaijan else {
            check.report(field, "must be the other party's country, not AZ")
            return nil
        }
        return code
    }

    private func person(_ fields: [String: JSONValue], check: inout FieldChecker) -> PersonDetails? {
        var personalId: String?
        if let text = check.text(fields["personalId"], at: "person.personalId", required: false) {
            if FieldChecker.isPersonalId(text) {
                personalId = text
            } else {
                check.report("person.personalId", "must be exactly 7 characters of 0-9 and A-Z")
            }
        }
        let firstName = check.name(fields["firstName"], at: "person.firstName", required: true)
        let lastName = check.name(fields["lastName"], at: "person.lastName", required: true)
        let patronymic = check.name(fields["patronymic"], at: "person.patronymic", required: false)
        let birthDate = check.birthDate(fields["birthDate"], at: "person.birthDate")
        let sex = check.choice(fields["sex"], at: "person.sex", required: false, from: IntakeVocabulary.sexes)
        var phone: String?
        if let text = check.text(fields["phone"], at: "person.phone", required: false) {
            if FieldChecker.isE164(text) {
                phone = text
            } else {
                check.report("person.phone", "must be in E.164 form: + and 8 to 15 digits")
            }
        }
        var district: String?
        var addressLine: String?
        if let address = check.object(fields["address"], at: "person.address", required: true) {
            if let code = check.text(address["district"], at: "person.address.district", required: true) {
                if districts.contains(code) {
                    district = code
                } else {
                    check.report("person.address.district", "is not a known district code")
                }
            }
            addressLine = check.text(
                address["line"], at: "person.address.line", required: false, allowEmpty: true,
                maximumLength: IntakeVocabulary.addressLineMaximumLength)
        }
        guard let firstName, let lastName, let birthDate, let district else { return nil }
        return PersonDetails(
            personalId: personalId, firstName: firstName, lastName: lastName, patronymic: patronymic,
            birthDate: birthDate, sex: sex, phone: phone, district: district, addressLine: addressLine)
    }

    /// Absent means no family; more than the limit is one problem, without checking entries.
    private func family(_ value: JSONValue?, check: inout FieldChecker) -> [FamilyMember]? {
        if value == nil || value == .null { return [] }
        guard let entries = check.array(value, at: "family") else { return nil }
        guard entries.count <= IntakeVocabulary.familyMaximumCount else {
            check.report("family", "must have at most \(IntakeVocabulary.familyMaximumCount) entries")
            return nil
        }
        var members: [FamilyMember] = []
        for (index, entry) in entries.enumerated() {
            let path = "family[\(index)]"
            guard case .object(let fields) = entry else {
                check.report(path, "must be an object")
                continue
            }
            let relation = check.choice(
                fields["relation"], at: "\(path).relation", required: true, from: IntakeVocabulary.relations)
            let firstName = check.name(fields["firstName"], at: "\(path).firstName", required: true)
            let lastName = check.name(fields["lastName"], at: "\(path).lastName", required: false)
            let birthDate = check.birthDate(fields["birthDate"], at: "\(path).birthDate")
            if let relation, let firstName, let birthDate {
                members.append(FamilyMember(relation: relation, firstName: firstName, lastName: lastName, birthDate: birthDate))
            }
        }
        return members.count == entries.count ? members : nil
    }

    /// The known needs named, each problem naming its index.
    private func needs(_ value: JSONValue?, check: inout FieldChecker) -> [String] {
        guard let entries = check.array(value, at: "needs") else { return [] }
        var needs: [String] = []
        for (index, entry) in entries.enumerated() {
            let path = "needs[\(index)]"
            guard case .string(let need) = entry else {
                check.report(path, "must be a string")
                continue
            }
            guard IntakeVocabulary.needs.contains(need) else {
                check.report(path, "is not a known need (\(FieldChecker.alternatives(IntakeVocabulary.needs)))")
                continue
            }
            needs.append(need)
        }
        return needs
    }
}
