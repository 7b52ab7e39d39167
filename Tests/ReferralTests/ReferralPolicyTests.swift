import Contract
import Foundation
import ReferralDomain
import Testing
import WorkingCalendar

@Suite("ReferralPolicy")
struct ReferralPolicyTests {
    func load(_ json: String) throws(ReferralPolicyError) -> ReferralPolicy {
        try ReferralPolicy.load(json: Array(json.utf8))
    }

    @Test("the default follows the contract and is valid")
    func defaults() throws {
        let policy = ReferralPolicy.default
        try policy.validate()
        #expect(policy.agency(for: "health", district: "ganja") == "health")
        #expect(policy.agency(for: "psychosocial", district: "ganja") == "health")
        #expect(policy.agency(for: "employment", district: "ganja") == "labour")
        #expect(policy.agency(for: "social-assistance", district: "ganja") == "labour")
        #expect(policy.agency(for: "education", district: "ganja") == "education")
        #expect(policy.agency(for: "housing", district: "ganja") == "local.ganja")
        #expect(policy.agency(for: "documents", district: "ganja") == "local.ganja")
        #expect(policy.agency(for: "astrology", district: "ganja") == nil)
        #expect(policy.childAgeRange == AgeRange(minimum: 6, maximum: 17))
        #expect(policy.profile(for: "health")?.names.en == "Ministry of Healthcare")
        #expect(policy.profile(for: "health")?.acknowledgeWithin == .workingDays(2))
        #expect(policy.profile(for: "health")?.completeWithin == .workingDays(10))
        #expect(policy.profile(for: "health")?.fields == ReferralField.personBlock)
        #expect(policy.profile(for: "education")?.receives(.children) == true)
        #expect(policy.profile(for: "labour")?.receives(.children) == false)
    }

    @Test("district authorities are generated for every district of the catalog")
    func districtAuthorities() {
        let policy = ReferralPolicy.default
        #expect(policy.districts == DistrictCatalog.default.codes)
        let generated = DistrictCatalog.default.codes.map { "local.\($0)" }
        #expect(policy.agencyCodes == ["health", "labour", "education"] + generated)
        for code in generated {
            let profile = policy.profile(for: code)
            #expect(profile?.receives(.children) == false)
            #expect(profile?.names.en.contains(String(code.dropFirst(6))) == true)
            #expect(profile?.names.en.contains("{district}") == false)
        }
        #expect(policy.profile(for: "local.") == nil)
        #expect(policy.profile(for: "local.Bad District") == nil)
        #expect(policy.profile(for: "justice") == nil)
    }

    @Test("a document overrides per agency, per template and per district authority")
    func overrides() throws {
        let policy = try load("""
            {"agencies": {
                "health": {"acknowledgeWithin": {"seconds": 30}, "completeWithin": {"seconds": 120}},
                "local.binagadi": {"completeWithin": {"workingDays": 5}},
                "justice": {"names": {"az": "Ədliyyə Nazirliyi", "en": "Ministry of Justice"}}
             },
             "districtAuthority": {"fields": ["firstName", "lastName", "district", "addressLine"],
                                   "names": {"en": "District office {district}"}},
             "routing": {"documents": "justice"},
             "childAgeRange": {"minimum": 7, "maximum": 16}}
            """)
        #expect(policy.profile(for: "health")?.acknowledgeWithin == .seconds(30))
        #expect(policy.profile(for: "health")?.names.en == "Ministry of Healthcare")
        #expect(policy.profile(for: "labour") == ReferralPolicy.default.profile(for: "labour"))
        // The individually configured authority builds on the overridden template.
        let binagadi = try #require(policy.profile(for: "local.binagadi"))
        #expect(binagadi.completeWithin == .workingDays(5))
        #expect(binagadi.fields == [.firstName, .lastName, .district, .addressLine])
        #expect(binagadi.names.en == "District office binagadi")
        #expect(binagadi.names.az == "binagadi icra hakimiyyəti")
        #expect(policy.profile(for: "local.nasimi")?.completeWithin == .workingDays(10))
        #expect(policy.profile(for: "justice")?.fields == ReferralField.personBlock)
        #expect(policy.agency(for: "documents", district: "nasimi") == "justice")
        #expect(policy.agency(for: "housing", district: "nasimi") == "local.nasimi")
        #expect(policy.agencyCodes.prefix(4) == ["health", "labour", "education", "justice"])
        #expect(policy.childAgeRange == AgeRange(minimum: 7, maximum: 16))
    }

    @Test("an empty document is the default, and encoding round-trips")
    func roundTrip() throws {
        #expect(try load("{}") == ReferralPolicy.default)
        let custom = try load(#"{"agencies": {"local.ganja": {"acknowledgeWithin": {"seconds": 5}}}, "districts": ["ganja", "nasimi"]}"#)
        let encoded = try JSONEncoder().encode(custom)
        #expect(try ReferralPolicy.load(json: encoded) == custom)
        #expect(custom.agencyCodes.suffix(2) == ["local.ganja", "local.nasimi"])
    }

    @Test("errors name the bad entry", arguments: [
        (#"{"agencies": {"health": {"acknowledgeWithn": {"workingDays": 2}}}}"#, "agencies.health.acknowledgeWithn"),
        (#"{"agencies": {"health": {"completeWithin": {"workingDays": 0}}}}"#, "agencies.health.completeWithin"),
        (#"{"agencies": {"health": {"completeWithin": {"workingDays": 1}}}}"#, "agencies.health.completeWithin"),
        (#"{"agencies": {"health": {"completeWithin": {"days": 1}}}}"#, "agencies.health.completeWithin"),
        (#"{"agencies": {"health": {"fields": ["firstName", "nickname"]}}}"#, "agencies.health.fields[1]"),
        (#"{"agencies": {"health": {"fields": ["firstName", "firstName"]}}}"#, "agencies.health.fields[1]"),
        (#"{"agencies": {"health": {"names": {"en": " "}}}}"#, "agencies.health.names.en"),
        (#"{"agencies": {"justice": {"fields": ["firstName"]}}}"#, "agencies.justice.names"),
        (#"{"agencies": {"local.atlantis": {"completeWithin": {"workingDays": 5}}}}"#, "agencies.local.atlantis"),
        (#"{"agencies": {"Health": {"names": {"az": "x", "en": "y"}}}}"#, "agencies.Health"),
        (#"{"routing": {"housing": "ministry-of-housing"}}"#, "routing.housing"),
        (#"{"routing": {"astrology": "health"}}"#, "routing.astrology"),
        (#"{"routing": {"housing": "local.binagadi"}}"#, "routing.housing"),
        (#"{"districts": ["binagadi", "binagadi"]}"#, "districts[1]"),
        (#"{"districts": []}"#, "districts"),
        (#"{"childNeed": "toys"}"#, "childNeed"),
        (#"{"childAgeRange": {"minimum": 18, "maximum": 6}}"#, "childAgeRange"),
        (#"{"childAgeRange": {"minimum": 6}}"#, "childAgeRange.maximum"),
        (#"{"rooting": {}}"#, "rooting"),
        (#"{"districts": "binagadi"}"#, "districts"),
    ])
    func errors(json: String, entry: String) {
        do {
            _ = try load(json)
            Issue.record("accepted \(json)")
        } catch {
            guard case .invalidEntry(let named, let problem) = error else {
                Issue.record("unexpected \(error) for \(json)")
                return
            }
            #expect(named == entry, "\(problem)")
            #expect(!problem.isEmpty)
            #expect(error.description.contains(entry))
        }
    }

    @Test("bytes that are not JSON are refused as such")
    func notJSON() {
        #expect(throws: ReferralPolicyError.notJSON) { try load("routing: local") }
        #expect(throws: ReferralPolicyError.notJSON) { try load("") }
    }
}
