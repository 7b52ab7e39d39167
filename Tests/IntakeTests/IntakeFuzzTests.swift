import Contract
import Foundation
import IntakeDomain
import Testing

/// Thousands of deterministic mutations of valid messages: the parser must always give
/// an answer, and every refusal must explain itself.
@Suite("fuzzing")
struct IntakeFuzzTests {
    static let iterations = 4000

    @Test func mutatedMessagesAlwaysGetAnAnswer() {
        var random = SeededRandom(seed: 0x1A7A_4E00_2026_0530)
        let parser = IntakeParser()
        var accepted = 0
        var refusedBy: [RejectionReason: Int] = [:]
        for iteration in 0..<Self.iterations {
            let body = Self.mutatedBody(using: &random)
            let outcome = parser.parse(body: body, now: IntakeFixtures.now)
            switch outcome {
            case .readmission(let record):
                accepted += 1
                let canonical = try? JSONSerialization.jsonObject(with: Data(record.canonicalContent.utf8))
                #expect(canonical is [String: Any], "iteration \(iteration)")
            case .consent:
                accepted += 1
            case .refused(let refusal):
                refusedBy[refusal.reason, default: 0] += 1
                #expect(!refusal.problems.isEmpty, "iteration \(iteration)")
                #expect(refusal.problems.count <= IntakeParser.maximumListedProblems + 1, "iteration \(iteration)")
                #expect(!refusal.detail.isEmpty, "iteration \(iteration)")
                #expect(refusal.detail.utf8.count <= IntakeRefusal.maximumDetailLength, "iteration \(iteration)")
                #expect([.tooLarge, .notJSON, .unknownSchema, .invalidField].contains(refusal.reason))
            }
            if iteration % 16 == 0 {
                #expect(parser.parse(body: body, now: IntakeFixtures.now) == outcome, "deterministic, iteration \(iteration)")
            }
        }
        // The mutations must reach every branch, not just break the JSON.
        #expect(accepted > Self.iterations / 50)
        #expect(refusedBy[.invalidField, default: 0] > Self.iterations / 10)
        #expect(refusedBy[.notJSON, default: 0] > Self.iterations / 50)
        #expect(refusedBy[.unknownSchema, default: 0] > 0)
    }

    // MARK: Mutations

    static func mutatedBody(using random: inout SeededRandom) -> [UInt8] {
        var message = Bool.random(using: &random) ? IntakeFixtures.validRecord : IntakeFixtures.validConsent
        for _ in 0..<Int.random(in: 0...4, using: &random) {
            message = mutated(message, using: &random)
        }
        var bytes = Array(message.rendered(spaced: Int.random(in: 0..<8, using: &random) == 0).utf8)
        if Int.random(in: 0..<10, using: &random) < 3 {
            bytes = mutatedBytes(bytes, using: &random)
        }
        return bytes
    }

    static func mutated(_ message: JSONFixture, using random: inout SeededRandom) -> JSONFixture {
        let paths = message.allPaths
        guard let path = paths.randomElement(using: &random) else { return message }
        switch Int.random(in: 0..<5, using: &random) {
        case 0:
            return message.setting(path, to: nil)
        case 1:
            return message.setting(path, to: randomValue(using: &random, depth: 0))
        case 2:
            return message.setting(path, to: .string(randomString(using: &random)))
        case 3:
            return message.setting(path, to: .string(interestingStrings.randomElement(using: &random) ?? ""))
        default:
            // Swap two fields' values: right shapes in the wrong places.
            let other = paths.randomElement(using: &random) ?? path
            return message.setting(path, to: message.value(at: other) ?? .null)
        }
    }

    static func mutatedBytes(_ original: [UInt8], using random: inout SeededRandom) -> [UInt8] {
        var bytes = original
        guard !bytes.isEmpty else { return bytes }
        switch Int.random(in: 0..<5, using: &random) {
        case 0:
            bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &random)))
        case 1:
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
        case 2:
            let structural = Array(#"{}[]:,"\ 0tfn-e."#.utf8)
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let byte = structural.randomElement(using: &random) ?? 0
                bytes.insert(byte, at: Int.random(in: 0...bytes.count, using: &random))
            }
        case 3:
            let start = Int.random(in: 0..<bytes.count, using: &random)
            let end = Int.random(in: start...bytes.count, using: &random)
            bytes.removeSubrange(start..<end)
        default:
            let depth = Int.random(in: 1...200, using: &random)
            bytes = Array(repeating: UInt8(ascii: "["), count: depth) + bytes + Array(repeating: UInt8(ascii: "]"), count: depth)
        }
        return bytes
    }

    static func randomValue(using random: inout SeededRandom, depth: Int) -> JSONFixture {
        switch Int.random(in: 0..<(depth > 3 ? 4 : 7), using: &random) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .number(Double(Int.random(in: -1_000_000...1_000_000, using: &random)) / 7)
        case 3: return .string(randomString(using: &random))
        case 4:
            return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in randomValue(using: &random, depth: depth + 1) })
        case 5:
            let keys = ["firstName", "birthDate", "country", "district", "dataSharing", "relation", "x"]
            return .object((0..<Int.random(in: 0...4, using: &random)).map { _ in
                JSONFixture.Member(key: keys.randomElement(using: &random) ?? "x", value: randomValue(using: &random, depth: depth + 1))
            })
        default:
            return .string(String(repeating: "ə", count: Int.random(in: 90...5000, using: &random)))
        }
    }

    static func randomString(using random: inout SeededRandom) -> String {
        let pools: [[Unicode.Scalar]] = [
            Array("ABCxyz019 .-_/'’".unicodeScalars),
            Array("ƏəĞğIıİiÖöŞşÜüÇç".unicodeScalars),
            Array("АБВабвЖж".unicodeScalars),
            Array("محمدعبدالله".unicodeScalars),
            Array("😀👍🏽‍♀️\u{FE0F}\u{200D}".unicodeScalars),
            ["\u{0}", "\u{1}", "\n", "\t", "\"", "\\", "\u{7F}", "\u{301}", "\u{20DD}", "\u{FFFF}", "\u{10FFFF}"],
        ]
        var text = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...24, using: &random) {
            if Int.random(in: 0..<8, using: &random) == 0 {
                // Any scalar at all, surrogates excluded.
                var value = UInt32.random(in: 0...0x10FFFF, using: &random)
                if (0xD800...0xDFFF).contains(value) { value = 0xFFFD }
                text.append(Unicode.Scalar(value) ?? "?")
            } else {
                let pool = pools.randomElement(using: &random) ?? pools[0]
                text.append(pool.randomElement(using: &random) ?? "a")
            }
        }
        return String(text)
    }

    static let interestingStrings = [
        "", "readmission.v1", "consent.v1", "2024-02-29", "2025-02-29", "2026-02-30", "9999-12-31", "0000-00-00",
        "2026-05-29T10:15:00+04:00", "2026-05-29T10:15:00+24:00", "2026-05-29T24:00:00Z", "2026-05-29T10:15:00.Z",
        "AZ", "DE", "de", "5ABC1D2", "+994501234567", "+", "male", "female", "child", "health", "documents",
        "binagadi", "nasimi", "true", "null", "SMS-2026-000123", String(repeating: "9", count: 400),
    ]
}
