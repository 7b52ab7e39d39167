/// A directory entry that cannot be stored. The description names the field and the
/// rule, never the offending value (it may be an address or a secret).
public struct DirectoryEntryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The field at fault, e.g. `email`, `webhookURL`.
    public var field: String
    /// The rule it breaks.
    public var problem: String

    /// Creates an error.
    public init(field: String, problem: String) {
        self.field = field
        self.problem = problem
    }

    public var description: String { "\(field) \(problem)" }
}
