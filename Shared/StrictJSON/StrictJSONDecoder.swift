/// Decodes a message body into a JSON object under the contract's rules, or says in one
/// `StrictJSONError` why it is not one: at most `maximumSize` bytes, valid UTF-8 (a
/// leading byte order mark is skipped), RFC 8259 syntax with no extensions, nesting at
/// most `maximumDepth` levels, and no object repeating a key.
///
/// A hand-written reader rather than Foundation's, which is lenient (trailing commas,
/// UTF-16) and keeps one of two duplicated keys silently; its recursion is bounded by
/// `maximumDepth`, so any body is safe to read. Keys are compared as Swift strings
/// (canonical equivalence), the equality of the dictionary that holds them, so no
/// duplicate can hide behind a different Unicode composition.
public struct StrictJSONDecoder: Sendable {
    /// Deepest nesting of arrays and objects accepted; real messages need four levels.
    public static let defaultMaximumDepth = 64

    public var maximumSize: Int
    public var maximumDepth: Int

    public init(maximumSize: Int, maximumDepth: Int = defaultMaximumDepth) {
        self.maximumSize = maximumSize
        self.maximumDepth = maximumDepth
    }

    /// The body's top-level object.
    public func decodeObject(_ body: [UInt8]) throws(StrictJSONError) -> [String: JSONValue] {
        guard body.count <= maximumSize else { throw .tooLarge(size: body.count, limit: maximumSize) }
        guard !body.isEmpty else { throw .empty }
        guard String(validating: body, as: UTF8.self) != nil else { throw .invalidUTF8 }
        var reader = JSONReader(bytes: body, maximumDepth: maximumDepth)
        let value: JSONValue
        do {
            value = try reader.readDocument()
        } catch {
            switch error {
            case .malformed(let offset): throw .malformed(offset: offset)
            case .tooDeep: throw .tooDeep(limit: maximumDepth)
            case .duplicateKey(let innermostFirst):
                throw .duplicateKey(path: JSONPath(components: innermostFirst.reversed()).description)
            }
        }
        guard case .object(let object) = value else { throw .notAnObject }
        return object
    }
}
