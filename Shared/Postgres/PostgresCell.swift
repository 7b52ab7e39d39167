/// One value of a result row, as the server's text output.
public struct PostgresCell: Sendable {
    /// The column's name (or `#index` when the row has no such column).
    public let column: String
    /// The raw text, `nil` for NULL.
    public let string: String?
    /// Set when the row has no such column, so decoding reports that instead of a NULL.
    private let isMissing: Bool

    init(column: String, string: String?, isMissing: Bool = false) {
        self.column = column
        self.string = string
        self.isMissing = isMissing
    }

    /// Whether the value is SQL NULL (also true for a column the row does not have).
    public var isNull: Bool { string == nil }

    /// Decodes the value; throws a `.decoding` error for NULL, a missing column or bad text.
    public func decode<T: PostgresDecodable>(_: T.Type = T.self) throws -> T {
        guard let value = try decodeIfPresent(T.self) else {
            throw PostgresError.decoding("column \"\(column)\" is null")
        }
        return value
    }

    /// Decodes the value, or returns `nil` for NULL; throws for a missing column or bad text.
    public func decodeIfPresent<T: PostgresDecodable>(_: T.Type = T.self) throws -> T? {
        if isMissing {
            throw PostgresError.decoding("column \"\(column)\" not in result")
        }
        guard let string else { return nil }
        do {
            return try T(postgresText: string)
        } catch let error as PostgresError {
            // Keep the type's reason, add the column; the value itself is never included.
            throw PostgresError(kind: .decoding, context: "column \"\(column)\" as \(T.self): \(error.context)")
        } catch {
            throw PostgresError(kind: .decoding, context: "column \"\(column)\" as \(T.self)")
        }
    }
}
