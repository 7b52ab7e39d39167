/// A template that is missing or does not parse. Names the file, not its content.
public struct AlertTemplateError: Error, Sendable, CustomStringConvertible {
    /// The template's file name, e.g. `escalation.az.mustache`.
    public var template: String
    /// What is wrong.
    public var problem: String

    /// Creates an error.
    public init(template: String, problem: String) {
        self.template = template
        self.problem = problem
    }

    public var description: String { "alert template \(template): \(problem)" }
}
