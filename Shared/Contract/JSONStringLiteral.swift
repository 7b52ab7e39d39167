/// Writes text as a JSON string literal by hand, for writers that fix their own layout
/// (canonical record content, log lines) where an encoder would not do.
public enum JSONStringLiteral {
    /// Appends `text` quoted, with the escapes JSON requires. `escapingLineSeparators`
    /// also escapes U+2028 and U+2029, which some JavaScript log tools choke on; canonical
    /// content leaves them as they are, so its hashes stay what they were.
    public static func append(_ text: some StringProtocol, to output: inout String, escapingLineSeparators: Bool = false) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case _ where scalar.value < 0x20 || (escapingLineSeparators && (scalar.value == 0x2028 || scalar.value == 0x2029)):
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
