import Contract
import IntakeDomain
import Testing

@Suite("district catalog")
struct DistrictCatalogTests {
    static let bakuDistricts = [
        "binagadi", "garadagh", "khatai", "khazar", "narimanov", "nasimi", "nizami", "pirallahi", "sabail",
        "sabunchu", "surakhani", "yasamal",
    ]
    static let cities = [
        "ganja", "sumgait", "mingachevir", "shirvan", "lankaran", "shaki", "yevlakh", "naftalan", "khankendi",
        "nakhchivan",
    ]
    static let someRayons = ["absheron", "agdam", "agdash", "guba", "gusar", "shusha", "julfa", "ordubad", "zardab"]

    @Test func theDefaultListIsSortedUniqueSlugs() {
        let codes = DistrictCatalog.default.codes
        #expect(codes == codes.sorted())
        #expect(Set(codes).count == codes.count)
        #expect(codes.allSatisfy { code in
            !code.isEmpty && code.utf8.allSatisfy { ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || $0 == UInt8(ascii: "-") }
        })
        // 66 rayons (7 of them in Nakhchivan), 12 Baku districts, 7 cities without a rayon of the same name.
        #expect(codes.count == 85)
    }

    @Test func theDefaultListCoversBakuCitiesAndRayons() {
        for code in Self.bakuDistricts + Self.cities + Self.someRayons {
            #expect(DistrictCatalog.default.contains(code), "\(code)")
        }
        #expect(!DistrictCatalog.default.contains("Nasimi"))
        #expect(!DistrictCatalog.default.contains("atlantis"))
    }

    @Test func loadsAValidList() throws {
        let catalog = try DistrictCatalog.load(json: Array(#"["binagadi", "ganja", "new-district"]"#.utf8))
        #expect(catalog.codes == ["binagadi", "ganja", "new-district"])
        #expect(catalog.contains("new-district"))
    }

    @Test func theDefaultListRoundTripsThroughLoad() throws {
        let json = "[" + DistrictCatalog.default.codes.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        #expect(try DistrictCatalog.load(json: Array(json.utf8)) == .default)
    }

    @Test(arguments: [
        (#"{"a": 1}"#, DistrictCatalogError.notAnArrayOfStrings),
        (#"["a", 1]"#, .notAnArrayOfStrings),
        ("not json", .notAnArrayOfStrings),
        ("", .notAnArrayOfStrings),
        ("[]", .empty),
        (#"["binagadi", "Nasimi"]"#, .invalidCode(index: 1, code: "Nasimi")),
        (#"["a--b"]"#, .invalidCode(index: 0, code: "a--b")),
        (#"["-a"]"#, .invalidCode(index: 0, code: "-a")),
        (#"["a-"]"#, .invalidCode(index: 0, code: "a-")),
        (#"[""]"#, .invalidCode(index: 0, code: "")),
        (#"["şəki"]"#, .invalidCode(index: 0, code: "şəki")),
        (#"["a b"]"#, .invalidCode(index: 0, code: "a b")),
        (#"["ganja", "binagadi", "ganja"]"#, .duplicateCode(index: 2, code: "ganja")),
    ])
    func refusesABadList(json: String, expected: DistrictCatalogError) {
        #expect(throws: expected) { try DistrictCatalog.load(json: Array(json.utf8)) }
    }

    @Test func anOverlongCodeIsRefused() {
        let code = String(repeating: "a", count: DistrictCatalog.maximumCodeLength + 1)
        #expect(throws: DistrictCatalogError.invalidCode(index: 0, code: code)) {
            try DistrictCatalog.load(json: Array("[\"\(code)\"]".utf8))
        }
    }

    @Test func theErrorDescriptionNamesThePositionOnly() {
        let error = DistrictCatalogError.invalidCode(index: 3, code: "Secret")
        #expect(!error.description.contains("Secret"))
        #expect(error.description.contains("entry 3"))
        #expect(error.debugDescription.contains("Secret"))
    }

    @Test func theParserUsesTheGivenCatalog() {
        let parser = IntakeParser(districts: DistrictCatalog(codes: ["only-here"]))
        let record = IntakeFixtures.validRecord.setting("person.address.district", to: "only-here")
        #expect(parser.parse(body: record.bytes, now: IntakeFixtures.now).readmission != nil)
        #expect(parser.parse(body: IntakeFixtures.validRecord.bytes, now: IntakeFixtures.now).refusal?.problems
            == [.init(field: "person.address.district", problem: "is not a known district code")])
    }
}
