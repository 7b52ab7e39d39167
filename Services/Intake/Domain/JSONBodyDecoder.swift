import Foundation

/// Turns a message body into a JSON object, or says in one problem why it is not one.
///
/// Foundation's parser is lenient in places (it accepts UTF-16 and trailing commas) and
/// recursive, so a cheap byte scan first refuses what the contract does not allow:
/// invalid UTF-8, NUL bytes, trailing commas and nesting deeper than `maximumDepth`.
enum JSONBodyDecoder {
    /// Deepest nesting of arrays and objects accepted; real records need four levels.
    static let maximumDepth = 64

    static func decodeObject(_ body: [UInt8]) -> Checked<[String: JSONValue]> {
        func refuse(_ problem: String) -> Checked<[String: JSONValue]> {
            .invalid([FieldProblem(field: "body", problem: problem)])
        }
        guard !body.isEmpty else { return refuse("is empty") }
        guard String(validating: body, as: UTF8.self) != nil else { return refuse("is not valid UTF-8") }
        switch scanStructure(body) {
        case .acceptable: break
        case .tooDeep: return refuse("is nested more than \(maximumDepth) levels deep")
        case .malformed: return refuse("is not valid JSON")
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(body))
        } catch {
            return refuse("is not valid JSON")
        }
        guard case .object(let object) = JSONValue(foundationObject: parsed) else {
            return refuse("must be a JSON object")
        }
        return .valid(object)
    }

    enum StructureScan: Equatable {
        case acceptable
        case tooDeep
        case malformed
    }

    /// One pass over the bytes outside strings: nesting depth, NUL bytes, trailing commas.
    static func scanStructure(_ body: [UInt8]) -> StructureScan {
        var depth = 0
        var inString = false
        var escaped = false
        var lastStructural: UInt8 = 0
        for byte in body {
            if byte == 0 { return .malformed }
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                    lastStructural = byte
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > maximumDepth { return .tooDeep }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                if lastStructural == UInt8(ascii: ",") { return .malformed }
                depth = max(0, depth - 1)
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                continue
            default:
                break
            }
            lastStructural = byte
        }
        return .acceptable
    }
}
