/// An inclusive range of ages in whole years, coded as `{"minimum": 6, "maximum": 17}`.
public struct AgeRange: Sendable, Equatable, Codable {
    public var minimum: Int
    public var maximum: Int

    public init(minimum: Int, maximum: Int) {
        self.minimum = minimum
        self.maximum = maximum
    }

    /// Whether `age` (whole years) is within the range, both ends included.
    public func contains(_ age: Int) -> Bool { age >= minimum && age <= maximum }
}
