import Contract
import Foundation
import WorkingCalendar

/// The `referral.v1` body the referral service publishes to `referrals` with the agency's
/// code as routing key.
///
/// Person fields the agency may not see are absent (the key is left out, never null).
/// `children` is always present, empty for an agency that does not receive children.
/// Timestamps are written in `timeZone` with its offset (`2026-06-04T23:59:59+04:00`),
/// whole seconds.
public struct ReferralMessage: Sendable, Equatable, Codable {
    /// The `person` block, minimised to what the agency may receive.
    public struct Person: Sendable, Equatable, Codable {
        public var personalId: String?
        public var firstName: String?
        public var lastName: String?
        public var patronymic: String?
        public var birthDate: CivilDay?
        public var sex: String?
        public var phone: String?
        public var district: String?
        public var addressLine: String?

        public init(
            personalId: String? = nil, firstName: String? = nil, lastName: String? = nil,
            patronymic: String? = nil, birthDate: CivilDay? = nil, sex: String? = nil,
            phone: String? = nil, district: String? = nil, addressLine: String? = nil
        ) {
            self.personalId = personalId
            self.firstName = firstName
            self.lastName = lastName
            self.patronymic = patronymic
            self.birthDate = birthDate
            self.sex = sex
            self.phone = phone
            self.district = district
            self.addressLine = addressLine
        }
    }

    /// A child the agency is told about: first name and birth date only.
    public struct Child: Sendable, Equatable, Codable {
        public var firstName: String
        public var birthDate: CivilDay

        public init(firstName: String, birthDate: CivilDay) {
            self.firstName = firstName
            self.birthDate = birthDate
        }
    }

    public var schema: String = MessageType.referral
    public var referralId: UUID
    public var caseId: UUID
    public var agency: String
    public var needs: [String]
    public var issuedAt: Date
    public var acknowledgeBy: Date
    public var dueBy: Date
    public var person: Person
    public var children: [Child]
    /// The zone timestamps are written in; not part of the body (Asia/Baku when decoded).
    public var timeZone: TimeZone

    public init(
        referralId: UUID, caseId: UUID, agency: String, needs: [String], issuedAt: Date,
        acknowledgeBy: Date, dueBy: Date, person: Person, children: [Child],
        timeZone: TimeZone = WorkingCalendar.bakuTimeZone
    ) {
        self.referralId = referralId
        self.caseId = caseId
        self.agency = agency
        self.needs = needs
        self.issuedAt = issuedAt
        self.acknowledgeBy = acknowledgeBy
        self.dueBy = dueBy
        self.person = person
        self.children = children
        self.timeZone = timeZone
    }

    private enum CodingKeys: String, CodingKey {
        case schema, referralId, caseId, agency, needs, issuedAt, acknowledgeBy, dueBy, person, children
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func timestamp(_ key: CodingKeys) throws -> Date {
            let text = try container.decode(String.self, forKey: key)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: container, debugDescription: "not an RFC 3339 timestamp with offset")
            }
            return date
        }
        schema = try container.decode(String.self, forKey: .schema)
        referralId = try container.decode(UUID.self, forKey: .referralId)
        caseId = try container.decode(UUID.self, forKey: .caseId)
        agency = try container.decode(String.self, forKey: .agency)
        needs = try container.decode([String].self, forKey: .needs)
        issuedAt = try timestamp(.issuedAt)
        acknowledgeBy = try timestamp(.acknowledgeBy)
        dueBy = try timestamp(.dueBy)
        person = try container.decode(Person.self, forKey: .person)
        children = try container.decode([Child].self, forKey: .children)
        timeZone = WorkingCalendar.bakuTimeZone
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(schema, forKey: .schema)
        try container.encode(referralId, forKey: .referralId)
        try container.encode(caseId, forKey: .caseId)
        try container.encode(agency, forKey: .agency)
        try container.encode(needs, forKey: .needs)
        try container.encode(Timestamp.format(issuedAt, in: timeZone), forKey: .issuedAt)
        try container.encode(Timestamp.format(acknowledgeBy, in: timeZone), forKey: .acknowledgeBy)
        try container.encode(Timestamp.format(dueBy, in: timeZone), forKey: .dueBy)
        try container.encode(person, forKey: .person)
        try container.encode(children, forKey: .children)
    }
}
