import Logging

/// Minimal JSON writing for log lines and health responses, where key order matters
/// and a full encoder would be wasted.
enum JSONText {
    /// `text` as a JSON string literal, quotes included.
    static func quoted(_ text: String) -> String {
        var output = "\""
        output.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                // Control characters, and the two separators some JavaScript parsers choke on.
                output += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default:
                output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
        return output
    }

    /// A log metadata value as JSON: strings stay strings, arrays and dictionaries nest.
    static func value(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let string):
            return quoted(string)
        case .stringConvertible(let convertible):
            return quoted(convertible.description)
        case .array(let elements):
            return "[" + elements.map(Self.value).joined(separator: ",") + "]"
        case .dictionary(let dictionary):
            let members = dictionary.keys.sorted().map { key in quoted(key) + ":" + Self.value(dictionary[key]!) }
            return "{" + members.joined(separator: ",") + "}"
        }
    }
}
