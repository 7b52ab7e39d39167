import Contract
import Foundation
import IntakeDomain
import Testing

/// Bodies that are not what the contract allows must be refused with a reason, never crash.
@Suite("malformed bodies")
struct MalformedBodyTests {
    struct BodyCase: Sendable, CustomTestStringConvertible {
        var name: String
        var body: [UInt8]
        var reason: RejectionReason
        var problem: FieldProblem

        init(_ name: String, _ body: [UInt8], _ reason: RejectionReason, _ field: String, _ problem: String) {
            self.name = name
            self.body = body
            self.reason = reason
            self.problem = FieldProblem(field: field, problem: problem)
        }

        var testDescription: String { name }
    }

    static let valid = IntakeFixtures.validRecord.rendered()
    static let notJSON = "is not valid JSON"

    static let cases: [BodyCase] = [
        BodyCase("empty body", [], .notJSON, "body", "is empty"),
        BodyCase("whitespace only", Array("  \n ".utf8), .notJSON, "body", notJSON),
        BodyCase("truncated record", Array(valid.utf8.prefix(valid.utf8.count / 2)), .notJSON, "body", notJSON),
        BodyCase("truncated by one byte", Array(valid.utf8.dropLast()), .notJSON, "body", notJSON),
        BodyCase("trailing garbage", Array((valid + "x").utf8), .notJSON, "body", notJSON),
        BodyCase("two objects", Array((valid + valid).utf8), .notJSON, "body", notJSON),
        BodyCase("trailing comma", Array(#"{"schema":"consent.v1","smsReference":"A","dataSharing":true,}"#.utf8),
                 .notJSON, "body", notJSON),
        BodyCase("trailing comma in array", Array(#"{"schema":"x","a":[1,2, ]}"#.utf8), .notJSON, "body", notJSON),
        BodyCase("single quotes", Array("{'schema':'consent.v1'}".utf8), .notJSON, "body", notJSON),
        BodyCase("lone surrogate escape", Array(#"{"schema":"\ud800"}"#.utf8), .notJSON, "body", notJSON),
        BodyCase("raw NUL byte", Array(#"{"schema":"consent.v1"}"#.utf8) + [0], .notJSON, "body", notJSON),
        BodyCase("NUL inside a string", Array(#"{"schema":"a"#.utf8) + [0] + Array(#""}"#.utf8),
                 .notJSON, "body", notJSON),
        BodyCase("number too large", Array(#"{"schema":"consent.v1","x":1e400}"#.utf8), .notJSON, "body", notJSON),
        BodyCase("invalid UTF-8 byte", Array(#"{"schema":""#.utf8) + [0xFF] + Array(#""}"#.utf8),
                 .notJSON, "body", "is not valid UTF-8"),
        BodyCase("overlong UTF-8", Array(#"{"a":""#.utf8) + [0xC0, 0xAF] + Array(#""}"#.utf8),
                 .notJSON, "body", "is not valid UTF-8"),
        BodyCase("UTF-8 encoded surrogate", Array(#"{"a":""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}"#.utf8),
                 .notJSON, "body", "is not valid UTF-8"),
        BodyCase("truncated UTF-8 sequence", Array(Array(#"{"a":"Ə"#.utf8).dropLast()) + Array(#""}"#.utf8),
                 .notJSON, "body", "is not valid UTF-8"),
        BodyCase("UTF-16 encoded", Array(#"{"schema":"consent.v1"}"#.data(using: .utf16LittleEndian) ?? Data()),
                 .notJSON, "body", notJSON),
        BodyCase("JSON array", Array("[1,2,3]".utf8), .notJSON, "body", "must be a JSON object"),
        BodyCase("array of the record", Array("[\(valid)]".utf8), .notJSON, "body", "must be a JSON object"),
        BodyCase("JSON string", Array(#""readmission.v1""#.utf8), .notJSON, "body", notJSON),
        BodyCase("JSON null", Array("null".utf8), .notJSON, "body", notJSON),
        BodyCase("JSON number", Array("42".utf8), .notJSON, "body", notJSON),
        // 100 000 levels do not fit in 64 KiB: the size limit refuses them unread.
        BodyCase("100 000 nested arrays", Array(repeating: UInt8(ascii: "["), count: 100_000),
                 .tooLarge, "body", "must be at most 65536 bytes"),
        BodyCase("60 000 nested arrays", Array(repeating: UInt8(ascii: "["), count: 60_000),
                 .notJSON, "body", "is nested more than 64 levels deep"),
        BodyCase("10 000 nested objects", Array(String(repeating: #"{"a":"#, count: 10_000).utf8),
                 .notJSON, "body", "is nested more than 64 levels deep"),
        BodyCase("30 000 balanced levels",
                 Array((String(repeating: "[", count: 30_000) + String(repeating: "]", count: 30_000)).utf8),
                 .notJSON, "body", "is nested more than 64 levels deep"),
        BodyCase("65 levels inside a record",
                 Array((#"{"schema":"consent.v1","x":"# + String(repeating: "[", count: 64)
                     + String(repeating: "]", count: 64) + "}").utf8),
                 .notJSON, "body", "is nested more than 64 levels deep"),
        BodyCase("70 KiB body", Array(repeating: UInt8(ascii: " "), count: 70 * 1024),
                 .tooLarge, "body", "must be at most 65536 bytes"),
        BodyCase("one byte over 64 KiB", Array(repeating: UInt8(ascii: "x"), count: 64 * 1024 + 1),
                 .tooLarge, "body", "must be at most 65536 bytes"),
        BodyCase("no schema", Array("{}".utf8), .unknownSchema, "schema", "is required"),
    ]

    @Test(arguments: cases)
    func isRefused(_ row: BodyCase) throws {
        let refusal = try #require(IntakeFixtures.parse(bytes: row.body).refusal)
        #expect(refusal.reason == row.reason)
        #expect(refusal.problems == [row.problem])
        #expect(!refusal.detail.isEmpty)
    }

    /// Deeply nested text inside a string is only text.
    @Test func bracketsInsideStringsDoNotCountAsNesting() throws {
        let brackets = String(repeating: "[{", count: 1000) + #"\"]"#
        let record = IntakeFixtures.validRecord.setting("notes", to: .string(brackets))
        #expect(IntakeFixtures.parse(record).readmission?.notes == brackets)
    }

    @Test func sixtyFourLevelsAreAllowed() {
        // The record object itself is level 1; 63 more arrays in an unknown field make 64.
        let nested = String(repeating: "[", count: 63) + String(repeating: "]", count: 63)
        var text = IntakeFixtures.validRecord.rendered()
        text.removeLast()
        text += #","extra":\#(nested)}"#
        #expect(IntakeFixtures.parse(bytes: Array(text.utf8)).readmission != nil)
    }

    @Test func aBodyOfExactly64KiBIsParsed() throws {
        var text = IntakeFixtures.validRecord.setting("padding", to: "").rendered()
        let padding = maximumBodySize - text.utf8.count
        text = IntakeFixtures.validRecord.setting("padding", to: .string(String(repeating: "p", count: padding))).rendered()
        #expect(text.utf8.count == maximumBodySize)
        #expect(IntakeFixtures.parse(bytes: Array(text.utf8)).readmission != nil)
    }

    @Test func aByteOrderMarkIsTolerated() {
        let body: [UInt8] = [0xEF, 0xBB, 0xBF] + IntakeFixtures.validConsent.bytes
        #expect(IntakeFixtures.parse(bytes: body).consent != nil)
    }

    @Test func wrongTypesEverywhereAreProblemsNotCrashes() throws {
        let wrong: JSONFixture = [
            "schema": "readmission.v1", "smsReference": [], "readmittedAt": true, "agreement": 1,
            "borderPoint": ["x": 1], "person": ["personalId": 1, "firstName": [], "lastName": ["a": "b"],
            "patronymic": 1.5, "birthDate": false, "sex": [], "phone": 1, "address": ["district": .null, "line": []]],
            "family": [1, "a", .null, []], "needs": [["health"]], "notes": false, "consent": ["dataSharing": "true"],
        ]
        let refusal = try #require(IntakeFixtures.parse(wrong).refusal)
        #expect(refusal.reason == .invalidField)
        #expect(refusal.problems.map(\.description) == [
            "smsReference: must be a string",
            "readmittedAt: must be a string",
            "agreement: must be an object",
            "borderPoint: must be a string",
            "person.personalId: must be a string",
            "person.firstName: must be a string",
            "person.lastName: must be a string",
            "person.patronymic: must be a string",
            "person.birthDate: must be a string",
            "person.sex: must be a string",
            "person.phone: must be a string",
            "person.address.district: is required",
            "person.address.line: must be a string",
            "family[0]: must be an object",
            "family[1]: must be an object",
            "family[2]: must be an object",
            "family[3]: must be an object",
            "needs[0]: must be a string",
            "notes: must be a string",
            "consent.dataSharing: must be a boolean (true or false)",
        ])
    }

    @Test func allNullsAreProblemsNotCrashes() throws {
        let nulls: JSONFixture = [
            "schema": "readmission.v1", "smsReference": .null, "readmittedAt": .null, "agreement": .null,
            "borderPoint": .null, "person": .null, "family": .null, "needs": .null, "notes": .null, "consent": .null,
        ]
        let refusal = try #require(IntakeFixtures.parse(nulls).refusal)
        #expect(refusal.problems.map(\.description) == [
            "smsReference: is required", "readmittedAt: is required", "agreement: is required",
            "person: is required", "consent: is required",
        ])
    }

    @Test func hugeStringsAreRefusedByLength() throws {
        let huge = String(repeating: "ə", count: 30_000)
        let record = IntakeFixtures.validRecord
            .setting("person.firstName", to: .string(huge))
            .setting("smsReference", to: .string(String(repeating: "A", count: 1000)))
        let refusal = try #require(IntakeFixtures.parse(record).refusal)
        #expect(refusal.problems == [
            FieldProblem(field: "smsReference", problem: "must be at most 64 characters"),
            FieldProblem(field: "person.firstName", problem: "must be at most 100 characters"),
        ])
        #expect(refusal.smsReference == nil)
    }
}
