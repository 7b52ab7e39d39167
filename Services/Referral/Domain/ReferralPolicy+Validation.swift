import Foundation
import WorkingCalendar

extension ReferralPolicy {
    /// The longest working-day span a policy may state (about a year).
    static let maximumWorkingDays = 260
    /// The longest plain span a policy may state (one year).
    static let maximumSeconds = 366 * 86_400
    static let maximumNameLength = 200

    /// Checks the whole policy, naming the first bad entry (entries in a stable order).
    public func validate() throws(ReferralPolicyError) {
        for code in agencies.keys.sorted() {
            let entry = "agencies.\(code)"
            guard code != Self.localTarget, PolicyVocabulary.isAgencyCode(code) else {
                throw .invalidEntry(entry: entry, problem: "is not an agency code (words of a-z 0-9 _ - joined by dots)")
            }
            if code.hasPrefix("\(Self.localTarget).") {
                guard let district = Self.district(ofAuthority: code), districts.contains(district) else {
                    throw .invalidEntry(entry: entry, problem: "is a district authority of no district listed in districts")
                }
            }
            guard let profile = agencies[code] else { continue }
            try Self.validate(profile, entry: entry)
        }
        try Self.validate(districtAuthority, entry: "districtAuthority")

        guard !districts.isEmpty else {
            throw .invalidEntry(entry: "districts", problem: "must list at least one district")
        }
        var seenDistricts = Set<String>()
        for (index, district) in districts.enumerated() {
            guard PolicyVocabulary.isCode(district) else {
                throw .invalidEntry(entry: "districts[\(index)]", problem: "is not a district code (1-64 of a-z 0-9 _ -)")
            }
            guard seenDistricts.insert(district).inserted else {
                throw .invalidEntry(entry: "districts[\(index)]", problem: "repeats \"\(district)\"")
            }
        }

        for need in routing.keys.sorted() {
            let entry = "routing.\(need)"
            guard Self.contractNeeds.contains(need) else {
                throw .invalidEntry(entry: entry, problem: "is not a need of the contract (\(Self.contractNeeds.joined(separator: ", ")))")
            }
            let target = routing[need] ?? ""
            let isNationalAgency = agencies[target] != nil && !target.hasPrefix("\(Self.localTarget).")
            guard target == Self.localTarget || isNationalAgency else {
                throw .invalidEntry(entry: entry, problem: "\"\(target)\" is neither a configured agency nor \"local\"")
            }
        }
        for need in Self.contractNeeds where routing[need] == nil {
            throw .invalidEntry(entry: "routing.\(need)", problem: "is not routed to any agency")
        }

        guard Self.contractNeeds.contains(childNeed) else {
            throw .invalidEntry(entry: "childNeed", problem: "is not a need of the contract")
        }
        guard childAgeRange.minimum >= 0, childAgeRange.minimum <= childAgeRange.maximum, childAgeRange.maximum <= 120 else {
            throw .invalidEntry(entry: "childAgeRange", problem: "needs 0 <= minimum <= maximum <= 120")
        }
    }

    static func validate(_ profile: AgencyProfile, entry: String) throws(ReferralPolicyError) {
        for (language, name) in [("az", profile.names.az), ("en", profile.names.en)] {
            let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty, name.count <= maximumNameLength else {
                throw .invalidEntry(entry: "\(entry).names.\(language)", problem: "must be 1-\(maximumNameLength) characters")
            }
        }
        var seenFields = Set<ReferralField>()
        for (index, field) in profile.fields.enumerated() where !seenFields.insert(field).inserted {
            throw .invalidEntry(entry: "\(entry).fields[\(index)]", problem: "repeats \"\(field.rawValue)\"")
        }
        try validate(profile.acknowledgeWithin, entry: "\(entry).acknowledgeWithin")
        try validate(profile.completeWithin, entry: "\(entry).completeWithin")
        switch (profile.acknowledgeWithin, profile.completeWithin) {
        case (.workingDays(let acknowledge), .workingDays(let complete)) where complete < acknowledge,
             (.seconds(let acknowledge), .seconds(let complete)) where complete < acknowledge:
            throw .invalidEntry(entry: "\(entry).completeWithin", problem: "is shorter than acknowledgeWithin")
        default:
            break
        }
    }

    static func validate(_ span: WorkingDuration, entry: String) throws(ReferralPolicyError) {
        switch span {
        case .workingDays(let days) where !(1...maximumWorkingDays).contains(days):
            throw .invalidEntry(entry: entry, problem: "workingDays must be 1-\(maximumWorkingDays)")
        case .seconds(let seconds) where !(1...maximumSeconds).contains(seconds):
            throw .invalidEntry(entry: entry, problem: "seconds must be 1-\(maximumSeconds)")
        default:
            break
        }
    }
}
