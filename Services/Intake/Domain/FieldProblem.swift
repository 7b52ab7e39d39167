/// One thing wrong with a message: the field's path and a plain-language problem.
///
/// Paths follow the contract's spelling (`person.birthDate`, `family[1].birthDate`,
/// `needs[0]`; `body` for the message as a whole). Problems never quote the offending
/// value, which may be personal data. Encodes as `{"field": …, "problem": …}`, the shape
/// of an outcome reply's `errors`.
public struct FieldProblem: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Where: a path such as `person.address.district`.
    public var field: String
    /// What: lower-case plain language, e.g. "is in the future".
    public var problem: String

    public init(field: String, problem: String) {
        self.field = field
        self.problem = problem
    }

    /// `field: problem`, as it appears in `x-rejection-detail`.
    public var description: String { "\(field): \(problem)" }
}
