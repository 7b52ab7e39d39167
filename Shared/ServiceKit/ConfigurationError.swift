/// A configuration value that is missing or cannot be used.
///
/// `description` names the variable and the problem but never the value, so it is
/// safe for any log line. `debugDescription` adds the offending value only when the
/// variable's name does not suggest a credential (see ``isSensitive(variable:)``).
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible,
    CustomDebugStringConvertible
{
    /// What was wrong with the variable.
    public enum Problem: Sendable, Equatable, CustomStringConvertible {
        /// The variable is required but unset or empty.
        case missing
        /// The value is not a whole number.
        case notAnInteger
        /// The value is a whole number outside the accepted range.
        case integerOutOfRange(ClosedRange<Int>)
        /// The value is not one of the accepted boolean spellings.
        case notABoolean
        /// The value is not a duration (seconds, or a number with `ms`, `s`, `m` or `h`).
        case notADuration
        /// The value is a duration outside the accepted range.
        case durationOutOfRange(ClosedRange<Duration>)
        /// The value is not an absolute URL with a scheme.
        case notAURL
        /// The value is not one of a fixed set of choices.
        case notOneOf([String])
        /// The value is unsafe together with other settings; the text says which and why.
        case unsafe(String)

        /// The problem in words, without the offending value.
        public var description: String {
            switch self {
            case .missing:
                return "is required but not set"
            case .notAnInteger:
                return "is not a whole number"
            case .integerOutOfRange(let range):
                return "must be between \(range.lowerBound) and \(range.upperBound)"
            case .notABoolean:
                return "is not a boolean (use true/false, yes/no, on/off or 1/0)"
            case .notADuration:
                return "is not a duration (seconds, e.g. 0.5, or a number with ms, s, m or h)"
            case .durationOutOfRange(let range):
                return "must be between \(range.lowerBound) and \(range.upperBound)"
            case .notAURL:
                return "is not an absolute URL"
            case .notOneOf(let choices):
                return "must be one of \(choices.joined(separator: ", "))"
            case .unsafe(let reason):
                return reason
            }
        }
    }

    /// Name fragments that mark a variable's value as a possible credential.
    ///
    /// URLs are included because they routinely carry `user:password@`.
    public static let sensitiveNameFragments = ["PASSWORD", "SECRET", "URL", "KEY", "TOKEN"]

    /// The environment variable at fault.
    public let variable: String
    /// What was wrong with it.
    public let problem: Problem
    /// The offending value, kept only for non-sensitive variables and shortened.
    public let displayableValue: String?

    /// Creates an error; `value` is dropped when the variable is sensitive.
    public init(variable: String, problem: Problem, value: String? = nil) {
        self.variable = variable
        self.problem = problem
        if let value, !Self.isSensitive(variable: variable) {
            self.displayableValue = Self.shortened(value)
        } else {
            self.displayableValue = nil
        }
    }

    /// Whether a variable's value must never appear in errors or logs.
    public static func isSensitive(variable: String) -> Bool {
        let upper = variable.uppercased()
        return sensitiveNameFragments.contains { upper.contains($0) }
    }

    /// Errors are equal when they name the same variable and problem; the value shown
    /// in debug output does not take part.
    public static func == (lhs: ConfigurationError, rhs: ConfigurationError) -> Bool {
        lhs.variable == rhs.variable && lhs.problem == rhs.problem
    }

    /// Names the variable and the problem; never the value.
    public var description: String {
        "configuration variable \(variable) \(problem)"
    }

    /// ``description`` plus the offending value when the variable is not sensitive.
    public var debugDescription: String {
        guard let displayableValue else { return description }
        return "\(description) (got \"\(displayableValue)\")"
    }

    /// Keeps debug output to one short, printable line.
    private static func shortened(_ value: String) -> String {
        let limit = 64
        let printable = String(
            String.UnicodeScalarView(
                value.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }
            )
        )
        guard printable.count > limit else { return printable }
        return String(printable.prefix(limit)) + "…"
    }
}
