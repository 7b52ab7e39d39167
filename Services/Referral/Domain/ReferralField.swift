/// What an agency may receive about the person, by its key in `referral.v1`.
public enum ReferralField: String, Sendable, Hashable, Codable, CaseIterable {
    case personalId
    case firstName
    case lastName
    case patronymic
    case birthDate
    case sex
    case phone
    case district
    case addressLine
    /// The `children` list: first name and birth date of each child in the age range.
    case children

    /// The contract's whole `person` block, without `children`.
    public static let personBlock: [ReferralField] = [
        .personalId, .firstName, .lastName, .patronymic, .birthDate, .sex, .phone, .district, .addressLine,
    ]
}
