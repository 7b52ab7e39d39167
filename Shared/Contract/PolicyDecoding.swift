import Foundation

/// Helpers for decoding policy documents strictly: unknown keys are refused (a typo must
/// not silently fall back to a default) and decoding errors name the entry by its path.
public enum PolicyDecoding {
    /// A key of any name, for reading which keys an object holds.
    public struct AnyKey: CodingKey {
        public let stringValue: String
        public let intValue: Int?

        public init(stringValue: String) {
            self.stringValue = stringValue
            intValue = nil
        }

        public init?(intValue: Int) {
            stringValue = String(intValue)
            self.intValue = intValue
        }
    }

    /// Throws naming the first key (alphabetically) of the decoder's object that is not in `allowed`.
    /// Decodes a policy document. A `Failure` thrown while decoding (a validation error)
    /// passes through; a decoding error names the bad entry; anything else is not JSON.
    public static func load<T: Decodable, Failure: Error>(
        _ type: T.Type, from json: some DataProtocol, notJSON: Failure,
        invalidEntry: (_ entry: String, _ problem: String) -> Failure
    ) throws(Failure) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(json))
        } catch let error as Failure {
            throw error
        } catch let error as DecodingError {
            guard let (entry, problem) = describe(error) else { throw notJSON }
            throw invalidEntry(entry, problem)
        } catch {
            throw notJSON
        }
    }

    public static func rejectUnknownKeys(in decoder: any Decoder, allowed: Set<String>) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        let unknown = container.allKeys.map(\.stringValue).filter { !allowed.contains($0) }.sorted()
        if let first = unknown.first {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: decoder.codingPath + [AnyKey(stringValue: first)],
                debugDescription: "unknown key"
            ))
        }
    }

    /// `agencies.health.fields[2]`: dictionary keys joined by dots, array indexes in brackets.
    public static func entry(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue, key.stringValue.hasPrefix("Index") || key.stringValue == String(index) {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text.isEmpty ? "(document)" : text
    }

    /// The entry a decoding error is about and what is wrong with it; nil when the
    /// bytes are not JSON at all.
    public static func describe(_ error: DecodingError) -> (entry: String, problem: String)? {
        switch error {
        case .typeMismatch(let type, let context):
            return (entry(context.codingPath), "expected \(readableName(of: type))")
        case .valueNotFound(_, let context):
            return (entry(context.codingPath), "is required and may not be null")
        case .keyNotFound(let key, let context):
            return (entry(context.codingPath + [key]), "is required")
        case .dataCorrupted(let context):
            // Only the JSON parser itself reports corrupt data for the whole document.
            if context.codingPath.isEmpty { return nil }
            return (entry(context.codingPath), context.debugDescription)
        @unknown default:
            return ("(document)", "could not be decoded")
        }
    }

    private static func readableName(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "an integer"
        case is Bool.Type: "true or false"
        default:
            String(describing: type).hasPrefix("Array") ? "an array"
                : String(describing: type).hasPrefix("Dictionary") ? "an object" : "a value of another type"
        }
    }
}
