import Foundation

/// A statement parameter, sent in text format for the server to interpret by context.
///
/// Values always travel as `$n` parameters, never spliced into SQL text. Where the
/// server cannot infer a type, cast in SQL (`$1::uuid`, `$1::jsonb`, `$1::timestamptz`).
public enum PostgresValue: Sendable, Hashable {
    /// SQL NULL.
    case null
    /// Text, sent as-is (it may not contain NUL characters, which PostgreSQL cannot store).
    case text(String)
    /// A 64-bit integer, usable for smallint, integer and bigint columns.
    case int(Int64)
    /// A boolean, sent as `true` / `false`.
    case bool(Bool)
    /// A double, sent with round-trip precision (`NaN`, `Infinity`, `-Infinity` included).
    case double(Double)
    /// An instant, sent as ISO 8601 in UTC with microseconds, e.g. `2026-05-29T06:15:00.123456Z`.
    case timestamp(Date)
    /// A UUID, sent in lowercase canonical form.
    case uuid(UUID)
    /// Binary data for a bytea column, sent as `\x…` hex.
    case bytes([UInt8])
    /// JSON text; write `$1::jsonb` (or `::json`) in SQL.
    case json(String)

    /// Wraps an optional value, turning `nil` into `.null`.
    public init<Value: PostgresEncodable>(_ value: Value?) {
        self = value?.postgresValue ?? .null
    }

    /// The parameter's text form, or `nil` for NULL.
    func textRepresentation() throws -> String? {
        switch self {
        case .null:
            return nil
        case .text(let string), .json(let string):
            guard !string.utf8.contains(0) else {
                throw PostgresError.protocolViolation("text parameter contains a NUL character")
            }
            return string
        case .int(let value):
            return String(value)
        case .bool(let value):
            return value ? "true" : "false"
        case .double(let value):
            if value.isNaN { return "NaN" }
            if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
            return value.description
        case .timestamp(let date):
            return try PostgresTimestamp.format(date)
        case .uuid(let uuid):
            return uuid.uuidString.lowercased()
        case .bytes(let bytes):
            return PostgresHex.byteaText(bytes)
        }
    }
}

extension PostgresValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) {
        self = .text(value)
    }
}

extension PostgresValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int64) {
        self = .int(value)
    }
}

extension PostgresValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) {
        self = .bool(value)
    }
}

extension PostgresValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) {
        self = .double(value)
    }
}
