import Contract
import Foundation
import StrictJSON

/// A `readmission.v1` record that passed every rule of the contract.
public struct ValidatedReadmission: Sendable, Equatable {
    /// The SMS system's reference: the record's idempotency key.
    public var smsReference: String
    /// When the person crossed the border back.
    public var readmittedAt: Date
    /// ISO 3166-1 alpha-2 code of the country the readmission agreement is with.
    public var agreementCountry: String
    /// The agreement's own reference for the readmission, if given.
    public var agreementReference: String?
    /// Where the person entered, if given (e.g. `GYD`).
    public var borderPoint: String?
    /// The person, with `address.district` and `address.line` folded in.
    public var person: PersonDetails
    /// Family members listed on the record (at most 20); empty when none.
    public var family: [FamilyMember]
    /// Deduplicated, in the contract's order, with `documents` added when the FIN is absent.
    public var needs: [String]
    /// For the working group only: never sent to an agency or in an alert.
    public var notes: String?
    /// `false` holds the case: no referral leaves the cluster until consent arrives.
    public var dataSharing: Bool
    /// When consent was recorded, if the SMS system said.
    public var consentRecordedAt: Date?

    /// Assembles a record; the parser is the way to get one that satisfies the contract.
    public init(
        smsReference: String, readmittedAt: Date, agreementCountry: String, agreementReference: String?,
        borderPoint: String?, person: PersonDetails, family: [FamilyMember], needs: [String], notes: String?,
        dataSharing: Bool, consentRecordedAt: Date?
    ) {
        self.smsReference = smsReference
        self.readmittedAt = readmittedAt
        self.agreementCountry = agreementCountry
        self.agreementReference = agreementReference
        self.borderPoint = borderPoint
        self.person = person
        self.family = family
        self.needs = needs
        self.notes = notes
        self.dataSharing = dataSharing
        self.consentRecordedAt = consentRecordedAt
    }

    /// The record as canonical JSON text (keys sorted, no insignificant whitespace, strings
    /// in NFC, timestamps in UTC): two bodies with the same content give the same text, so
    /// comparing it tells a duplicate from a conflict.
    ///
    /// Built from the validated fields in the contract's shape, so key order, spacing,
    /// `null` for an absent optional field, the order or repetition of needs, the offset a
    /// timestamp was written in and unknown fields do not count as content.
    public var canonicalContent: String {
        CanonicalJSONWriter.text(of: canonicalTree)
    }

    private var canonicalTree: JSONValue {
        var agreement: [String: JSONValue] = ["country": .string(agreementCountry)]
        agreement["reference"] = agreementReference.map(JSONValue.string)

        var address: [String: JSONValue] = ["district": .string(person.district)]
        address["line"] = person.addressLine.map(JSONValue.string)
        var personFields: [String: JSONValue] = [
            "firstName": .string(person.firstName),
            "lastName": .string(person.lastName),
            "birthDate": .string(person.birthDate.description),
            "address": .object(address),
        ]
        personFields["personalId"] = person.personalId.map(JSONValue.string)
        personFields["patronymic"] = person.patronymic.map(JSONValue.string)
        personFields["sex"] = person.sex.map(JSONValue.string)
        personFields["phone"] = person.phone.map(JSONValue.string)

        let familyEntries: [JSONValue] = family.map { member in
            var fields: [String: JSONValue] = [
                "relation": .string(member.relation),
                "firstName": .string(member.firstName),
                "birthDate": .string(member.birthDate.description),
            ]
            fields["lastName"] = member.lastName.map(JSONValue.string)
            return .object(fields)
        }

        var consent: [String: JSONValue] = ["dataSharing": .bool(dataSharing)]
        consent["recordedAt"] = consentRecordedAt.map { .string(Timestamp.format($0)) }

        var record: [String: JSONValue] = [
            "schema": .string(MessageType.readmission),
            "smsReference": .string(smsReference),
            "readmittedAt": .string(Timestamp.format(readmittedAt)),
            "agreement": .object(agreement),
            "person": .object(personFields),
            "family": .array(familyEntries),
            "needs": .array(needs.map(JSONValue.string)),
            "consent": .object(consent),
        ]
        record["borderPoint"] = borderPoint.map(JSONValue.string)
        record["notes"] = notes.map(JSONValue.string)
        return .object(record)
    }
}
