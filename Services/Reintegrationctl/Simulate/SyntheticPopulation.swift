import Contract
import Foundation
import WorkingCalendar

/// Realistic synthetic readmission records: Azerbaijani names and districts, families
/// with children, some FINs missing, a share of records that break a rule of the contract
/// (so the refusal path is exercised too). Reproducible from a seed.
struct SyntheticPopulation {
    /// How often each kind of record appears.
    struct Mix: Sendable {
        var invalid = 0.08
        var missingPersonalId = 0.2
        var withoutConsent = 0.04
        var withChildren = 0.4
        /// Share of records in a district whose authority the simulator plays (the rest
        /// go to authorities that never answer).
        var playedDistrict = 0.8
    }

    private var random: SeededRandom
    private let mix: Mix
    private let playedDistricts: [String]
    private let runTag: String
    private var sequence = 0

    init(seed: UInt64, mix: Mix, playedDistricts: [String]) {
        random = SeededRandom(seed: seed)
        self.mix = mix
        self.playedDistricts = playedDistricts
        runTag = String(UUID().uuidString.prefix(6))
    }

    /// The next record as JSON, and whether it was made to be refused (with the rule it breaks).
    mutating func next(now: Date) -> (body: [UInt8], smsReference: String, brokenRule: String?) {
        sequence += 1
        let reference = "SIM-\(runTag)-\(String(format: "%06d", sequence))"
        let female = random.chance(0.45)
        let first = random.pick(female ? Self.femaleNames : Self.maleNames)
        let father = random.pick(Self.maleNames)
        let surname = random.pick(Self.surnameRoots) + (female ? "ova" : "ov")
        let age = random.int(18...64)
        var person: [String: Any] = [
            "firstName": first, "lastName": surname,
            "patronymic": father + (female ? " qızı" : " oğlu"),
            "birthDate": Self.date(yearsAgo: age, now: now, random: &random), "sex": female ? "female" : "male",
            "phone": "+99450" + String(format: "%07d", random.int(0...9_999_999)),
            "address": ["district": district(), "line": "\(random.pick(Self.streets)) küç., \(random.int(1...120))"],
        ]
        if !random.chance(mix.missingPersonalId) { person["personalId"] = personalId() }
        var record: [String: Any] = [
            "schema": MessageType.readmission, "smsReference": reference,
            "readmittedAt": Timestamp.format(now.addingTimeInterval(-Double(random.int(3_600...5 * 86_400)))),
            "agreement": ["country": random.pick(Self.countries), "reference": "RA-\(random.int(1000...9999))"],
            "borderPoint": random.pick(["GYD", "GNJ", "ASTARA", "SAMUR"]),
            "person": person,
            "needs": Array(Set((0..<random.int(1...3)).map { _ in random.pick(Self.needs) })).sorted(),
            "notes": "Synthetic record for a drill.",
            "consent": ["dataSharing": !random.chance(mix.withoutConsent), "recordedAt": Timestamp.format(now)],
        ]
        if random.chance(mix.withChildren) {
            record["family"] = (0..<random.int(1...3)).map { _ in
                ["relation": "child", "firstName": random.pick(random.chance(0.5) ? Self.femaleNames : Self.maleNames),
                 "birthDate": Self.date(yearsAgo: random.int(1...16), now: now, random: &random)] as [String: Any]
            }
        }
        var broken: String?
        if random.chance(mix.invalid) {
            broken = breakRule(of: &record, now: now)
        }
        let body = (try? JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])).map(Array.init) ?? []
        return (body, reference, broken)
    }

    /// Makes the record break one rule of the contract; returns the field it concerns.
    private mutating func breakRule(of record: inout [String: Any], now: Date) -> String {
        var person = record["person"] as? [String: Any] ?? [:]
        let field: String
        switch random.int(0...4) {
        case 0:
            person["birthDate"] = Self.date(yearsAgo: -1, now: now, random: &random)
            field = "person.birthDate"
        case 1:
            person["address"] = ["district": "atlantis"]
            field = "person.address.district"
        case 2:
            record["agreement"] = ["country": "AZ"]
            field = "agreement.country"
        case 3:
            person["personalId"] = "12-34"
            field = "person.personalId"
        default:
            person["firstName"] = "R2D2"
            field = "person.firstName"
        }
        record["person"] = person
        return field
    }

    private mutating func district() -> String {
        if !playedDistricts.isEmpty, random.chance(mix.playedDistrict) { return random.pick(playedDistricts) }
        return random.pick(Self.otherDistricts)
    }

    private mutating func personalId() -> String {
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ")
        return String((0..<7).map { _ in random.pick(alphabet) })
    }

    private static func date(yearsAgo years: Int, now: Date, random: inout SeededRandom) -> String {
        let day = now.addingTimeInterval(-Double(years) * 365.25 * 86_400 - Double(random.int(0...364)) * 86_400)
        return CivilDay(ordinal: Int((day.timeIntervalSince1970 / 86_400).rounded(.down))).description
    }

    static let maleNames = ["Əli", "Rəşad", "Elvin", "Tural", "Orxan", "Kamran", "Nicat", "Fərid", "Vüsal", "Ramil", "Səbuhi", "İlkin", "Cavid", "Emin", "Ülvi"]
    static let femaleNames = ["Aysel", "Leyla", "Günay", "Nərmin", "Səbinə", "Fidan", "Aygün", "Könül", "Ülviyyə", "Şəbnəm", "Gülnar", "Xədicə", "Nigar"]
    static let surnameRoots = ["Məmməd", "Əliy", "Həsən", "Hüseyn", "Quliy", "İsmayıl", "Rza", "Kərim", "Abbas", "Babay", "Cəfər", "Nəsib", "Süleyman"]
    static let streets = ["Nizami", "Füzuli", "Səməd Vurğun", "Azadlıq", "Atatürk", "Cavadxan", "Həsən bəy Zərdabi"]
    static let countries = ["DE", "FR", "NL", "BE", "AT", "SE", "NO", "CH", "PL", "CZ"]
    static let needs = ["health", "psychosocial", "employment", "social-assistance", "education", "housing", "documents"]
    static let otherDistricts = ["nasimi", "sabail", "yasamal", "narimanov", "khatai", "sumgait", "ganja", "lankaran", "shaki", "guba"]
}

/// The draws the simulation makes.
extension SeededRandom {
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    mutating func chance(_ probability: Double) -> Bool { unit() < probability }
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    mutating func pick<T>(_ values: [T]) -> T { values[int(0...(values.count - 1))] }
}
