import Foundation

/// Array literals for array parameters (`$1::text[]`, `$1::uuid[]`): a whole column of
/// a multi-row statement travels as one parameter.
public enum PostgresArrayLiteral {
    /// `{"a","b\"c"}`: every element quoted, so commas, quotes, braces and spaces survive;
    /// nil elements become NULL.
    public static func text(_ values: [String?]) -> String {
        var literal = "{"
        for (index, value) in values.enumerated() {
            if index > 0 { literal += "," }
            guard let value else {
                literal += "NULL"
                continue
            }
            literal += "\""
            for character in value.unicodeScalars {
                if character == "\"" || character == "\\" { literal += "\\" }
                literal.unicodeScalars.append(character)
            }
            literal += "\""
        }
        return literal + "}"
    }

    /// The same for values that are never NULL.
    public static func text(_ values: [String]) -> String {
        text(values.map { Optional($0) })
    }

    /// `{"2026-05-29T06:15:00.123456Z",…}` for `$n::timestamptz[]`.
    public static func timestamps(_ dates: [Date]) throws -> String {
        try timestamps(dates.map { Optional($0) })
    }

    /// The same with NULL for nil.
    public static func timestamps(_ dates: [Date?]) throws -> String {
        text(try dates.map { date in try date.map { try PostgresTimestamp.format($0) } })
    }
}
