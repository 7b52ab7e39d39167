import Foundation

extension PostgresValue {
    /// A set of ids for `$n::uuid[]` (`WHERE id = ANY($1::uuid[])`): however many, they
    /// travel as one parameter of one statement.
    public static func uuidArray(_ ids: [UUID]) -> PostgresValue {
        .text(PostgresArrayLiteral.text(ids.map { $0.uuidString.lowercased() }))
    }
}
