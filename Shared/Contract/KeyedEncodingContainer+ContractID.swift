import Foundation

/// Ids in encoded bodies in `ContractID`'s lower case. Foundation writes a `UUID` in
/// upper case; these overloads are more specific than the generic `encode`, so every
/// `Codable` type in a module that imports Contract picks them for its `UUID` properties.
extension KeyedEncodingContainer {
    public mutating func encode(_ value: UUID, forKey key: Key) throws {
        try encode(ContractID.text(value), forKey: key)
    }

    public mutating func encodeIfPresent(_ value: UUID?, forKey key: Key) throws {
        guard let value else { return }
        try encode(ContractID.text(value), forKey: key)
    }
}
