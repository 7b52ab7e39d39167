import Contract
import Foundation
import WorkingCalendar

/// A policy document states only what differs from the contract's defaults:
///
/// ```json
/// {"agencies": {"health": {"acknowledgeWithin": {"seconds": 30}},
///               "local.binagadi": {"completeWithin": {"workingDays": 5}}},
///  "districtAuthority": {"fields": ["firstName", "lastName", "district", "addressLine"]},
///  "districts": ["binagadi", "nasimi"],
///  "routing": {"documents": "local"},
///  "childNeed": "education", "childAgeRange": {"minimum": 6, "maximum": 17}}
/// ```
///
/// Each agency entry overrides the default profile of that agency (or of the district
/// template for `local.<district>`) key by key; an agency not in the defaults needs its
/// `names`. `routing` entries override the default routing need by need. Unknown keys are
/// refused. Encoding writes the whole resolved policy, which decodes to the same policy.
extension ReferralPolicy: Codable {
    private enum CodingKeys: String, CodingKey, CaseIterable {
        case agencies, districtAuthority, districts, routing, childNeed, childAgeRange
    }

    public init(from decoder: any Decoder) throws {
        try PolicyDecoding.rejectUnknownKeys(in: decoder, allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        var policy = ReferralPolicy.default
        if let districts = try container.decodeIfPresent([String].self, forKey: .districts) {
            policy.districts = districts
        }
        // The template first, so individually configured district authorities build on it.
        if let patch = try container.decodeIfPresent(AgencyProfilePatch.self, forKey: .districtAuthority) {
            policy.districtAuthority = patch.applied(to: policy.districtAuthority)
        }
        if let patches = try container.decodeIfPresent([String: AgencyProfilePatch].self, forKey: .agencies) {
            for code in patches.keys.sorted() {
                guard let patch = patches[code] else { continue }
                let base = policy.agencies[code]
                    ?? Self.district(ofAuthority: code).map { policy.districtAuthority.instantiated(for: $0) }
                if let base {
                    policy.agencies[code] = patch.applied(to: base)
                } else if let profile = patch.newProfile() {
                    policy.agencies[code] = profile
                } else {
                    throw ReferralPolicyError.invalidEntry(
                        entry: "agencies.\(code).names", problem: "is required (az and en) for an agency not in the defaults")
                }
            }
        }
        if let routing = try container.decodeIfPresent([String: String].self, forKey: .routing) {
            policy.routing.merge(routing) { _, configured in configured }
        }
        if let childNeed = try container.decodeIfPresent(String.self, forKey: .childNeed) {
            policy.childNeed = childNeed
        }
        if let childAgeRange = try container.decodeIfPresent(AgeRange.self, forKey: .childAgeRange) {
            policy.childAgeRange = childAgeRange
        }
        try policy.validate()
        self = policy
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(agencies, forKey: .agencies)
        try container.encode(districtAuthority, forKey: .districtAuthority)
        try container.encode(districts, forKey: .districts)
        try container.encode(routing, forKey: .routing)
        try container.encode(childNeed, forKey: .childNeed)
        try container.encode(childAgeRange, forKey: .childAgeRange)
    }

    /// Decodes and validates a policy document; errors name the bad entry.
    public static func load(json: some DataProtocol) throws(ReferralPolicyError) -> ReferralPolicy {
        try PolicyDecoding.load(
            ReferralPolicy.self, from: json, notJSON: ReferralPolicyError.notJSON,
            invalidEntry: { entry, problem in .invalidEntry(entry: entry, problem: problem) })
    }
}

/// One agency entry of a policy document: only the keys it states are overridden.
struct AgencyProfilePatch: Decodable {
    struct NamesPatch: Decodable {
        var az: String?
        var en: String?

        init(from decoder: any Decoder) throws {
            try PolicyDecoding.rejectUnknownKeys(in: decoder, allowed: ["az", "en"])
            let container = try decoder.container(keyedBy: PolicyDecoding.AnyKey.self)
            az = try container.decodeIfPresent(String.self, forKey: .init(stringValue: "az"))
            en = try container.decodeIfPresent(String.self, forKey: .init(stringValue: "en"))
        }
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case names, fields, acknowledgeWithin, completeWithin
    }

    var names: NamesPatch?
    var fields: [ReferralField]?
    var acknowledgeWithin: WorkingDuration?
    var completeWithin: WorkingDuration?

    init(from decoder: any Decoder) throws {
        try PolicyDecoding.rejectUnknownKeys(in: decoder, allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        names = try container.decodeIfPresent(NamesPatch.self, forKey: .names)
        fields = try container.decodeIfPresent([ReferralField].self, forKey: .fields)
        acknowledgeWithin = try container.decodeIfPresent(WorkingDuration.self, forKey: .acknowledgeWithin)
        completeWithin = try container.decodeIfPresent(WorkingDuration.self, forKey: .completeWithin)
    }

    func applied(to base: AgencyProfile) -> AgencyProfile {
        var profile = base
        if let az = names?.az { profile.names.az = az }
        if let en = names?.en { profile.names.en = en }
        if let fields { profile.fields = fields }
        if let acknowledgeWithin { profile.acknowledgeWithin = acknowledgeWithin }
        if let completeWithin { profile.completeWithin = completeWithin }
        return profile
    }

    /// A profile for an agency not in the defaults: names are required, the rest defaults.
    func newProfile() -> AgencyProfile? {
        guard let az = names?.az, let en = names?.en else { return nil }
        return applied(to: AgencyProfile(names: .init(az: az, en: en)))
    }
}
