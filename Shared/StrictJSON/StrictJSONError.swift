/// Why a body is not a JSON object the cluster accepts. Carries where, never the body's
/// text: a duplicated key's path is shown only as far as it is plainly a field name.
public enum StrictJSONError: Error, Sendable, Equatable, CustomStringConvertible {
    /// More than `limit` bytes; nothing was read.
    case tooLarge(size: Int, limit: Int)
    case empty
    case invalidUTF8
    /// Not JSON text at `offset` (a byte index), including trailing commas, raw NUL bytes,
    /// lone surrogates, numbers out of range and anything after the value.
    case malformed(offset: Int)
    /// Arrays and objects nested more than `limit` levels deep.
    case tooDeep(limit: Int)
    /// An object repeats a key; `path` names it, e.g. `person.firstName` or `family[1].relation`.
    case duplicateKey(path: String)
    /// Valid JSON, but an array rather than an object.
    case notAnObject

    /// Where the problem is: `body`, or the duplicated key's path.
    public var field: String {
        if case .duplicateKey(let path) = self { return path }
        return "body"
    }

    /// The problem in plain lower-case language, as refusals state it.
    public var problem: String {
        switch self {
        case .tooLarge(_, let limit): "must be at most \(limit) bytes"
        case .empty: "is empty"
        case .invalidUTF8: "is not valid UTF-8"
        case .malformed: "is not valid JSON"
        case .tooDeep(let limit): "is nested more than \(limit) levels deep"
        case .duplicateKey: "is a duplicated key"
        case .notAnObject: "must be a JSON object"
        }
    }

    /// `field: problem`, the shape of a refusal's detail.
    public var description: String { "\(field): \(problem)" }
}
