import Foundation

/// JSON coding shared by every message body: ISO 8601 timestamps with offset, keys as
/// the contract spells them, stable key order (useful in tests and audits).
public enum ContractCoding {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "not an RFC 3339 timestamp with offset")
            }
            return date
        }
        return decoder
    }

    /// Made once: a coder per message cost about as much as the coding (both are safe to
    /// share between threads).
    private static let sharedEncoder = encoder()
    private static let sharedDecoder = decoder()

    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        Array(try sharedEncoder.encode(value))
    }

    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try sharedDecoder.decode(type, from: Data(bytes))
    }
}
