import Foundation
import Testing

@testable import ServiceKit

@Suite("EnvironmentReader")
struct EnvironmentReaderTests {
    @Test("unset and blank variables fall back to defaults")
    func defaults() throws {
        let reader = EnvironmentReader(["BLANK": "   ", "EMPTY": ""])
        #expect(reader.string("MISSING", default: "x") == "x")
        #expect(reader.string("BLANK", default: "x") == "x")
        #expect(try reader.int("EMPTY", default: 7) == 7)
        #expect(try reader.bool("MISSING", default: true))
        #expect(try reader.duration("MISSING", default: .seconds(3)) == .seconds(3))
        #expect(try reader.url("MISSING") == nil)
    }

    @Test("strings are trimmed")
    func trimmed() {
        #expect(EnvironmentReader(["NAME": "  intake \n"]).string("NAME") == "intake")
    }

    @Test("integers parse and respect their range")
    func integers() throws {
        let reader = EnvironmentReader(["N": "42", "NEG": "-3", "BAD": "4x", "BIG": "70000"])
        #expect(try reader.int("N", default: 0) == 42)
        #expect(try reader.int("NEG", default: 0) == -3)
        #expect(throws: ConfigurationError(variable: "BAD", problem: .notAnInteger)) {
            try reader.int("BAD", default: 0)
        }
        #expect(throws: ConfigurationError(variable: "BIG", problem: .integerOutOfRange(1...65_535))) {
            try reader.int("BIG", default: 1, range: 1...65_535)
        }
    }

    @Test("booleans accept the usual spellings", arguments: [
        ("true", true), ("YES", true), ("on", true), ("1", true),
        ("false", false), ("No", false), ("OFF", false), ("0", false),
    ])
    func booleans(text: String, expected: Bool) throws {
        #expect(try EnvironmentReader(["FLAG": text]).bool("FLAG", default: !expected) == expected)
    }

    @Test("a bad boolean is refused")
    func badBoolean() {
        #expect(throws: ConfigurationError(variable: "FLAG", problem: .notABoolean)) {
            try EnvironmentReader(["FLAG": "maybe"]).bool("FLAG", default: false)
        }
    }

    @Test("durations: plain seconds and unit suffixes", arguments: [
        ("0.5", Duration.milliseconds(500)),
        ("30", .seconds(30)),
        ("1.1", .milliseconds(1100)),
        ("250ms", .milliseconds(250)),
        ("1.5ms", .microseconds(1500)),
        ("2s", .seconds(2)),
        ("5m", .seconds(300)),
        ("1h", .seconds(3600)),
        ("0.25h", .seconds(900)),
        (".5s", .milliseconds(500)),
        ("0", .zero),
        ("10 s", .seconds(10)),
    ])
    func durations(text: String, expected: Duration) throws {
        #expect(try EnvironmentReader(["WAIT": text]).duration("WAIT", default: .zero) == expected)
    }

    @Test("malformed durations are refused", arguments: [
        "-1", "abc", "1e3", "inf", "nan", "5d", "s", ".", "1.2.3", "ms", "+2s", "9999999999",
    ])
    func badDurations(text: String) {
        #expect(throws: ConfigurationError(variable: "WAIT", problem: .notADuration)) {
            try EnvironmentReader(["WAIT": text]).duration("WAIT", default: .zero)
        }
    }

    @Test("durations respect their range")
    func durationRange() {
        let range = Duration.zero ... .seconds(60)
        #expect(throws: ConfigurationError(variable: "WAIT", problem: .durationOutOfRange(range))) {
            try EnvironmentReader(["WAIT": "2m"]).duration("WAIT", default: .zero, range: range)
        }
    }

    @Test("URLs need a scheme")
    func urls() throws {
        let reader = EnvironmentReader(["GOOD": "https://example.org/x", "BAD": "not a url"])
        #expect(try reader.url("GOOD")?.host == "example.org")
        #expect(throws: ConfigurationError(variable: "BAD", problem: .notAURL)) {
            try reader.url("BAD")
        }
    }

    @Test("required variables must be set")
    func required() throws {
        let reader = EnvironmentReader(["SET": "value", "BLANK": " "])
        #expect(try reader.required("SET") == "value")
        #expect(throws: ConfigurationError(variable: "BLANK", problem: .missing)) {
            try reader.required("BLANK")
        }
        #expect(throws: ConfigurationError(variable: "UNSET", problem: .missing)) {
            try reader.required("UNSET")
        }
    }

    @Test("errors name the variable; only debugDescription shows a harmless value")
    func errorText() {
        let error = #expect(throws: ConfigurationError.self) {
            try EnvironmentReader(["HTTP_PORT": "eighty"]).int("HTTP_PORT", default: 8081)
        }
        #expect(error?.description.contains("HTTP_PORT") == true)
        #expect(error?.description.contains("eighty") == false)
        #expect(error?.debugDescription.contains("eighty") == true)
    }

    @Test(
        "values of sensitive variables are never echoed",
        arguments: ["DB_PASSWORD", "WEBHOOK_SECRET", "AMQP_URL", "SIGNING_KEY", "api_token"]
    )
    func secretsNotEchoed(variable: String) {
        let secret = "hunter2-s3cr3t"
        let reader = EnvironmentReader([variable: secret])
        let errors: [ConfigurationError?] = [
            #expect(throws: ConfigurationError.self) { try reader.int(variable, default: 0) },
            #expect(throws: ConfigurationError.self) { try reader.bool(variable, default: false) },
            #expect(throws: ConfigurationError.self) { try reader.duration(variable, default: .zero) },
            #expect(throws: ConfigurationError.self) { try reader.url(variable) },
        ]
        for case let error? in errors {
            #expect(error.variable == variable)
            #expect(error.displayableValue == nil)
            #expect(!error.description.contains(secret))
            #expect(!error.debugDescription.contains(secret))
            #expect(!String(reflecting: error).contains(secret))
        }
    }
}
