import WorkingCalendar

/// What the cluster keeps of a readmitted person for routing and referrals.
///
/// Notes, the agreement and the border point are deliberately absent: no agency and no
/// alert may ever see them, so they never leave the intake service's own schema.
public struct PersonDetails: Sendable, Codable, Equatable {
    public var personalId: String?
    public var firstName: String
    public var lastName: String
    public var patronymic: String?
    public var birthDate: CivilDay
    public var sex: String?
    public var phone: String?
    public var district: String
    public var addressLine: String?

    public init(
        personalId: String?, firstName: String, lastName: String, patronymic: String?,
        birthDate: CivilDay, sex: String?, phone: String?, district: String, addressLine: String?
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

    /// Initials only ("Ə. M."): the most an alert may say about the person.
    public var initials: String {
        [firstName, lastName].compactMap { $0.first.map { "\($0)." } }.joined(separator: " ")
    }
}

/// A family member listed on the readmission record.
public struct FamilyMember: Sendable, Codable, Equatable {
    public var relation: String
    public var firstName: String
    public var lastName: String?
    public var birthDate: CivilDay

    public init(relation: String, firstName: String, lastName: String?, birthDate: CivilDay) {
        self.relation = relation
        self.firstName = firstName
        self.lastName = lastName
        self.birthDate = birthDate
    }
}
