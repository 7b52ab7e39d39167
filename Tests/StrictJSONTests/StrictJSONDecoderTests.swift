import StrictJSON
import Testing

@Suite("strict JSON decoding")
struct StrictJSONDecoderTests {
    let decoder = StrictJSONDecoder(maximumSize: 64 * 1024)

    func decode(_ text: String) throws(StrictJSONError) -> [String: JSONValue] {
        try decoder.decodeObject(Array(text.utf8))
    }

    func error(_ text: String) -> StrictJSONError? {
        do {
            _ = try decode(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func valuesOfEveryKind() throws {
        let object = try decode(#" {"s": "a\"\\\/\b\f\n\r\tz", "n": -12.5e1, "z": 0, "t": true, "f": false, "x": null, "a": [1, [], {}]} "#)
        #expect(object == [
            "s": .string("a\"\\/\u{08}\u{0C}\n\r\tz"), "n": .number(-125), "z": .number(0), "t": .bool(true),
            "f": .bool(false), "x": .null, "a": .array([.number(1), .array([]), .object([:])]),
        ])
    }

    @Test func unicodeEscapesFormWholeScalars() throws {
        #expect(try decode(#"{"e": "\u018F\u0259 \ud83d\ude00 \u0000"}"#) == ["e": .string("Əə 😀 \u{0}")])
        #expect(try decode("{\"e\": \"Əli\"}") == ["e": .string("Əli")])
    }

    @Test("what RFC 8259 does not allow is malformed", arguments: [
        "{", "{}x", "{} {}", #"{"a":1,}"#, #"{"a":[1,]}"#, "{'a':1}", #"{"a":01}"#, #"{"a":1.}"#, #"{"a":.5}"#,
        #"{"a":+1}"#, #"{"a":1e}"#, #"{"a":1e400}"#, #"{"a":-}"#, #"{"a":tru}"#, #"{"a":nul}"#, #"{"a":NaN}"#,
        #"{"a":"\x"}"#, #"{"a":"\u12"}"#, #"{"a":"\ud800"}"#, #"{"a":"\udc00"}"#, #"{"a":"\ud800\u0041"}"#,
        "{\"a\":\"tab\there\"}", #"{"a" 1}"#, #"{a:1}"#, #"{"a":1 "b":2}"#, #""text""#, "42", "null", "true",
        #"{"a":"unterminated}"#, "{\"a\":1}\u{0}",
    ])
    func malformed(_ text: String) {
        guard case .malformed = error(text) else {
            Issue.record("\(text) was not refused as malformed: \(String(describing: error(text)))")
            return
        }
    }

    @Test func bodyLevelProblems() {
        #expect(error("") == .empty)
        #expect(error("[1]") == .notAnObject)
        #expect(throws: StrictJSONError.invalidUTF8) { try decoder.decodeObject([0x7B, 0x22, 0xFF, 0x22, 0x7D]) }
        #expect(throws: StrictJSONError.tooLarge(size: 11, limit: 10)) {
            try StrictJSONDecoder(maximumSize: 10).decodeObject(Array(#"{"a":"bcd"}"#.utf8))
        }
        #expect(error(String(repeating: "[", count: 65) + String(repeating: "]", count: 65)) == .tooDeep(limit: 64))
        #expect(error("[" + String(repeating: "{\"a\":", count: 70)) == .tooDeep(limit: 64))
        #expect(error("{\"a\":" + String(repeating: "[", count: 63) + String(repeating: "]", count: 63) + "}") == nil)
        #expect(throws: Never.self) { try decoder.decodeObject([0xEF, 0xBB, 0xBF] + Array("{}".utf8)) }
    }

    @Test("a repeated key is refused, named with its path", arguments: [
        (#"{"schema": "a", "schema": "a"}"#, "schema"),
        (#"{"person": {"firstName": "A", "lastName": "B", "firstName": "C"}}"#, "person.firstName"),
        (#"{"family": [{"a": 1}, {"relation": "child", "relation": "child"}]}"#, "family[1].relation"),
        (#"{"a": {"b": [[{"c": {"d": 1, "d": 2}}]]}}"#, "a.b[0][0].c.d"),
        (#"{"k\u0065y": 1, "key": 2}"#, "key"),
        // Canonically equivalent spellings are one key for the dictionary that holds them.
        ("{\"caf\u{E9}\": 1, \"cafe\u{301}\": 2}", "<key>"),
        (#"{"first name": 1, "first name": 2}"#, "<key>"),
        (#"{"a.b": {"x": 1, "x": 2}}"#, "<key>.x"),
        (#"{"\u0000": 1, "\u0000": 2}"#, "<key>"),
    ])
    func duplicateKeys(_ text: String, path: String) {
        let refusal = error(text)
        #expect(refusal == .duplicateKey(path: path))
        #expect(refusal?.description == "\(path): is a duplicated key")
    }

    @Test func veryLongPathsKeepTheirLastKey() {
        let key = String(repeating: "k", count: 60)
        let text = String(repeating: "{\"\(key)\":", count: 10) + #"{"x":1,"x":2}"# + String(repeating: "}", count: 10)
        #expect(error(text) == .duplicateKey(path: "….x"))
    }

    @Test func textLengthCountsCharactersAndScalars() {
        #expect(TextLength.fits("Əli", within: 3))
        #expect(!TextLength.fits("Əlis", within: 3))
        let marked = "a" + String(repeating: "\u{301}", count: 30_000)
        #expect(marked.count == 1)
        #expect(!TextLength.fits(marked, within: 100))
        #expect(TextLength.fits("e\u{301}", within: 2) && !TextLength.fits("e\u{301}", within: 1))
    }
}
