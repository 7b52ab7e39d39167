/// Safe spelling of SQL identifiers (schema, table, channel names) that cannot be
/// passed as parameters.
public enum PostgresIdentifier {
    /// Wraps `name` in double quotes, doubling any quote inside, so it is read as one
    /// identifier whatever it contains.
    public static func quoted(_ name: String) -> String {
        // Built on every statement that names a schema: plain Swift, no NSString bridging.
        // By scalar: a quote followed by a combining mark is one Character but still a quote.
        var quoted = String.UnicodeScalarView()
        quoted.append("\"")
        for scalar in name.unicodeScalars {
            if scalar == "\"" { quoted.append("\"") }
            quoted.append(scalar)
        }
        quoted.append("\"")
        return String(quoted)
    }

    /// Whether `name` is an acceptable schema name: `[a-z_][a-z0-9_]*`, at most 63 bytes
    /// (PostgreSQL's identifier limit).
    public static func isValidSchemaName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= 63 else { return false }
        func isLowerOrUnderscore(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || byte == UInt8(ascii: "_")
        }
        guard isLowerOrUnderscore(first) else { return false }
        return bytes.dropFirst().allSatisfy { byte in
            isLowerOrUnderscore(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
    }
}
