import Contract
import Foundation
import StrictJSON

/// Writes JSON in one canonical form: object keys sorted by their UTF-8 bytes, no
/// insignificant whitespace, strings in Unicode NFC with only the escapes JSON requires.
///
/// Equal content therefore gives equal text, whatever key order, spacing, escaping or
/// Unicode composition the sender used: the basis of duplicate-versus-conflict.
enum CanonicalJSONWriter {
    static func text(of value: JSONValue) -> String {
        var output = ""
        write(value, into: &output)
        return output
    }

    private static func write(_ value: JSONValue, into output: inout String) {
        switch value {
        case .null:
            output += "null"
        case .bool(let flag):
            output += flag ? "true" : "false"
        case .number(let number):
            output += number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .string(let text):
            writeString(text, into: &output)
        case .array(let elements):
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += "," }
                write(element, into: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (index, key) in keys.enumerated() {
                if index > 0 { output += "," }
                writeString(key, into: &output)
                output += ":"
                if let member = members[key] { write(member, into: &output) }
            }
            output += "}"
        }
    }

    private static func writeString(_ text: String, into output: inout String) {
        // ASCII is its own NFC: only other text pays for Foundation's normalization.
        let isASCII = text.utf8.allSatisfy { $0 < 0x80 }
        JSONStringLiteral.append(isASCII ? text : text.precomposedStringWithCanonicalMapping, to: &output)
    }
}
