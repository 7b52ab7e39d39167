import Foundation

/// A parsed JSON value, typed so the rules can tell a boolean from a number.
///
/// Foundation's `JSONSerialization` returns `Any`, and on Linux `1 as? Bool` succeeds;
/// converting once, with booleans told apart by their dynamic type, keeps the rules honest.
enum JSONValue: Sendable, Equatable {
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    /// The class Foundation uses for JSON `true` and `false`.
    private static let booleanNumberType = ObjectIdentifier(type(of: NSNumber(value: true)))

    /// Converts `JSONSerialization` output. Nesting is bounded by the caller's depth check.
    init(foundationObject object: Any) {
        switch object {
        case let text as String:
            self = .string(text)
        case let number as NSNumber:
            if ObjectIdentifier(type(of: number)) == Self.booleanNumberType {
                self = .bool(number.boolValue)
            } else {
                self = .number(number.doubleValue)
            }
        case let dictionary as [String: Any]:
            self = .object(dictionary.mapValues { JSONValue(foundationObject: $0) })
        case let array as [Any]:
            self = .array(array.map { JSONValue(foundationObject: $0) })
        case let flag as Bool:
            self = .bool(flag)
        default:
            // NSNull, and nothing else JSONSerialization produces.
            self = .null
        }
    }
}
