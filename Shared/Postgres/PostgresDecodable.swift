import Foundation

/// A type that can be read from a column's text (the server's text output format).
///
/// Conform your own types (for example enums stored as text) by parsing `postgresText`;
/// throw `PostgresError(kind: .decoding, context: …)` or any error on bad input, and the
/// cell adds the column name.
public protocol PostgresDecodable {
    /// Parses the server's text output for a non-null value.
    init(postgresText: String) throws
}

extension String: PostgresDecodable {
    public init(postgresText: String) {
        self = postgresText
    }
}

extension Int: PostgresDecodable {
    public init(postgresText: String) throws {
        guard let value = Int(postgresText) else {
            throw PostgresError.decoding("text is not an Int")
        }
        self = value
    }
}

extension Int64: PostgresDecodable {
    public init(postgresText: String) throws {
        guard let value = Int64(postgresText) else {
            throw PostgresError.decoding("text is not an Int64")
        }
        self = value
    }
}

extension Int32: PostgresDecodable {
    public init(postgresText: String) throws {
        guard let value = Int32(postgresText) else {
            throw PostgresError.decoding("text is not an Int32")
        }
        self = value
    }
}

extension Bool: PostgresDecodable {
    /// Accepts the server's `t` / `f` (and `true` / `false`).
    public init(postgresText: String) throws {
        switch postgresText {
        case "t", "true": self = true
        case "f", "false": self = false
        default: throw PostgresError.decoding("text is not a boolean")
        }
    }
}

extension Double: PostgresDecodable {
    /// Accepts the server's float, numeric and integer output, `NaN`, `Infinity` and `-Infinity`.
    public init(postgresText: String) throws {
        switch postgresText {
        case "NaN": self = .nan
        case "Infinity": self = .infinity
        case "-Infinity": self = -.infinity
        default:
            guard let value = Double(postgresText) else {
                throw PostgresError.decoding("text is not a Double")
            }
            self = value
        }
    }
}

extension Date: PostgresDecodable {
    /// Accepts ISO-style timestamptz, timestamp (taken as UTC) and date (midnight UTC) output.
    public init(postgresText: String) throws {
        self = try PostgresTimestamp.parse(postgresText)
    }
}

extension UUID: PostgresDecodable {
    public init(postgresText: String) throws {
        guard let value = UUID(uuidString: postgresText) else {
            throw PostgresError.decoding("text is not a UUID")
        }
        self = value
    }
}

extension Array: PostgresDecodable where Element == UInt8 {
    /// Accepts bytea in hex output format (`\x…`), which the session selects at connect.
    public init(postgresText: String) throws {
        self = try PostgresHex.bytes(fromByteaText: postgresText)
    }
}
