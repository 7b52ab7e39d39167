import Contract
import WorkingCalendar

/// Where the needs of a case go and how each agency is treated: the contract's routing,
/// data-minimisation and deadline defaults, overridable by configuration.
///
/// Agencies are the national ones (`health`, `labour`, `education`) plus one district
/// authority `local.<district>` per district code, generated from `districtAuthority`
/// (a template whose names may contain `{district}`). A district authority may also be
/// configured on its own under `agencies`, keyed by its full code.
public struct ReferralPolicy: Sendable, Equatable {
    /// The routing target that means "the person's district authority".
    public static let localTarget = "local"
    /// Placeholder for the district code in the district-authority template's names.
    public static let districtPlaceholder = "{district}"
    /// The contract's needs, in its order.
    public static let contractNeeds = [
        "health", "psychosocial", "employment", "social-assistance", "education", "housing", "documents",
    ]

    /// Agencies configured by code: the national ones and any district authority
    /// configured individually (`local.binagadi`).
    public var agencies: [String: AgencyProfile]
    /// The template every `local.<district>` agency is generated from.
    public var districtAuthority: AgencyProfile
    /// District codes that get a district authority (and a referral queue).
    public var districts: [String]
    /// need → agency code, or `local` for the person's district authority.
    public var routing: [String: String]
    /// The need added to a case with a child in `childAgeRange` on the readmission date.
    public var childNeed: String
    /// Ages (whole years on the readmission date) of children the child rule covers, and
    /// that an agency receiving `children` is told about.
    public var childAgeRange: AgeRange

    public init(
        agencies: [String: AgencyProfile], districtAuthority: AgencyProfile, districts: [String],
        routing: [String: String], childNeed: String, childAgeRange: AgeRange
    ) {
        self.agencies = agencies
        self.districtAuthority = districtAuthority
        self.districts = districts
        self.routing = routing
        self.childNeed = childNeed
        self.childAgeRange = childAgeRange
    }

    /// The contract's defaults, with a district authority for every code of
    /// `DistrictCatalog.default`.
    public static let `default` = ReferralPolicy(
        agencies: [
            "health": AgencyProfile(names: .init(az: "Səhiyyə Nazirliyi", en: "Ministry of Healthcare")),
            "labour": AgencyProfile(names: .init(
                az: "Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi",
                en: "Ministry of Labour and Social Protection of Population"
            )),
            "education": AgencyProfile(
                names: .init(az: "Təhsil Nazirliyi", en: "Ministry of Education"),
                fields: ReferralField.personBlock + [.children]
            ),
        ],
        districtAuthority: AgencyProfile(names: .init(
            az: "\(districtPlaceholder) icra hakimiyyəti", en: "Executive authority of \(districtPlaceholder)"
        )),
        districts: DistrictCatalog.default.codes,
        routing: [
            "health": "health", "psychosocial": "health",
            "employment": "labour", "social-assistance": "labour",
            "education": "education",
            "housing": localTarget, "documents": localTarget,
        ],
        childNeed: "education",
        childAgeRange: AgeRange(minimum: 6, maximum: 17)
    )

    /// The agency code of a district's authority: `local.<district>`.
    public static func districtAuthorityCode(of district: String) -> String { "\(localTarget).\(district)" }

    /// Every agency that gets a referral queue: the national agencies (defaults first,
    /// then others alphabetically), then one district authority per district.
    public var agencyCodes: [String] {
        let national = agencies.keys.filter { !$0.hasPrefix("\(Self.localTarget).") }
        let preferred = ["health", "labour", "education"].filter(national.contains)
        let others = national.filter { !preferred.contains($0) }.sorted()
        return preferred + others + districts.map(Self.districtAuthorityCode(of:))
    }

    /// The agency a need goes to for a person in `district`, or nil when the need is not routed.
    public func agency(for need: String, district: String) -> String? {
        guard let target = routing[need] else { return nil }
        return target == Self.localTarget ? Self.districtAuthorityCode(of: district) : target
    }

    /// How `agency` is treated, or nil when the policy does not know it. Any well-formed
    /// `local.<district>` gets the template, so a case from a district missing from
    /// `districts` still has its mandatory district referral.
    public func profile(for agency: String) -> AgencyProfile? {
        if let configured = agencies[agency] { return configured }
        guard let district = Self.district(ofAuthority: agency) else { return nil }
        return districtAuthority.instantiated(for: district)
    }

    /// The district of a `local.<district>` code, nil for any other code.
    static func district(ofAuthority agency: String) -> String? {
        let prefix = "\(localTarget)."
        guard agency.hasPrefix(prefix) else { return nil }
        let district = String(agency.dropFirst(prefix.count))
        return PolicyVocabulary.isCode(district) ? district : nil
    }
}

extension AgencyProfile {
    /// The district-authority template filled in for one district.
    func instantiated(for district: String) -> AgencyProfile {
        var profile = self
        profile.names = Names(
            az: names.az.replacing(ReferralPolicy.districtPlaceholder, with: district),
            en: names.en.replacing(ReferralPolicy.districtPlaceholder, with: district)
        )
        return profile
    }
}
