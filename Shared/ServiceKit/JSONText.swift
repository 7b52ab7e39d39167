import Contract
import Logging

/// Minimal JSON writing for log lines and health responses, where key order matters
/// and a full encoder would be wasted.
enum JSONText {
    /// `text` as a JSON string literal, quotes included.
    static func quoted(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count + 2)
        JSONStringLiteral.append(text, to: &output, escapingLineSeparators: true)
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
