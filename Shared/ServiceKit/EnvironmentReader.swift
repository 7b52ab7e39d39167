import Foundation

/// Typed access to environment variables, with defaults and validation.
///
/// An unset variable and one set to an empty (or blank) string are treated alike, so
/// `FOO=` in a compose file falls back to the default. Every bad value throws a
/// ``ConfigurationError`` that names the variable; values of sensitive variables are
/// never carried in the error.
public struct EnvironmentReader: Sendable {
    /// The variables this reader looks at.
    public let variables: [String: String]

    /// Creates a reader over the given variables, by default the process environment.
    public init(_ variables: [String: String] = ProcessInfo.processInfo.environment) {
        self.variables = variables
    }

    /// The trimmed value of a variable, or `nil` when unset or blank.
    public func string(_ name: String) -> String? {
        guard let raw = variables[name] else { return nil }
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// The trimmed value of a variable, or `defaultValue` when unset or blank.
    public func string(_ name: String, default defaultValue: String) -> String {
        string(name) ?? defaultValue
    }

    /// The value of a variable that must be set.
    public func required(_ name: String) throws(ConfigurationError) -> String {
        guard let value = string(name) else {
            throw ConfigurationError(variable: name, problem: .missing)
        }
        return value
    }

    /// A whole number, optionally restricted to `range`.
    public func int(
        _ name: String,
        default defaultValue: Int,
        range: ClosedRange<Int>? = nil
    ) throws(ConfigurationError) -> Int {
        guard let raw = string(name) else { return defaultValue }
        guard let value = Int(raw) else {
            throw ConfigurationError(variable: name, problem: .notAnInteger, value: raw)
        }
        if let range, !range.contains(value) {
            throw ConfigurationError(variable: name, problem: .integerOutOfRange(range), value: raw)
        }
        return value
    }

    /// A boolean: `true/false`, `yes/no`, `on/off` or `1/0`, in any case.
    public func bool(_ name: String, default defaultValue: Bool) throws(ConfigurationError) -> Bool {
        guard let raw = string(name) else { return defaultValue }
        switch raw.lowercased() {
        case "true", "yes", "on", "1":
            return true
        case "false", "no", "off", "0":
            return false
        default:
            throw ConfigurationError(variable: name, problem: .notABoolean, value: raw)
        }
    }

    /// A non-negative duration: plain seconds (`"0.5"`) or a number with a unit suffix
    /// (`"250ms"`, `"30s"`, `"5m"`, `"1h"`), optionally restricted to `range`.
    public func duration(
        _ name: String,
        default defaultValue: Duration,
        range: ClosedRange<Duration>? = nil
    ) throws(ConfigurationError) -> Duration {
        guard let raw = string(name) else { return defaultValue }
        guard let value = Self.parseDuration(raw) else {
            throw ConfigurationError(variable: name, problem: .notADuration, value: raw)
        }
        if let range, !range.contains(value) {
            throw ConfigurationError(variable: name, problem: .durationOutOfRange(range), value: raw)
        }
        return value
    }

    /// An absolute URL (one with a scheme), or `nil` when unset.
    public func url(_ name: String) throws(ConfigurationError) -> URL? {
        guard let raw = string(name) else { return nil }
        guard let url = URL(string: raw), let scheme = url.scheme, !scheme.isEmpty else {
            throw ConfigurationError(variable: name, problem: .notAURL, value: raw)
        }
        return url
    }

    /// An absolute URL (one with a scheme), or `defaultValue` when unset.
    public func url(_ name: String, default defaultValue: URL) throws(ConfigurationError) -> URL {
        try url(name) ?? defaultValue
    }

    /// Longest duration accepted, about 31 years: keeps later arithmetic far from overflow.
    private static let longestDuration = Duration.seconds(1_000_000_000)

    /// Parses `"1.5"`, `"1500ms"`, `"2s"`, `"3m"`, `"1h"` exactly (to the nanosecond);
    /// `nil` for anything else, including signs, exponents, `inf` and `nan`.
    static func parseDuration(_ text: String) -> Duration? {
        let lowered = text.lowercased()
        // "ms" comes before "s" and "m" so it is not mistaken for either.
        // Seconds per unit as a fraction, so milliseconds stay exact.
        let units: [(suffix: String, multiplier: Int64, divisor: Int64)] = [
            ("ms", 1, 1000), ("s", 1, 1), ("m", 60, 1), ("h", 3600, 1),
        ]
        var number = Substring(lowered)
        var multiplier: Int64 = 1
        var divisor: Int64 = 1
        if let unit = units.first(where: { lowered.hasSuffix($0.suffix) }) {
            number = lowered.dropLast(unit.suffix.count)
            multiplier = unit.multiplier
            divisor = unit.divisor
        }
        let parts = number.trimmingCharacters(in: .whitespaces)
            .split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integerDigits = parts[0]
        let fractionDigits = parts.count > 1 ? parts[1] : ""
        guard !(integerDigits.isEmpty && fractionDigits.isEmpty),
            integerDigits.count <= 9,
            (integerDigits + fractionDigits).allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        // The number in billionths of a unit; digits past the ninth are dropped.
        let nineFractionDigits = String(fractionDigits.prefix(9)).padding(toLength: 9, withPad: "0", startingAt: 0)
        guard let whole = Int64(integerDigits.isEmpty ? "0" : String(integerDigits)),
            let fraction = Int64(nineFractionDigits)
        else { return nil }
        let billionthsOfUnit = whole * 1_000_000_000 + fraction
        // Nanoseconds of a one-second unit, rescaled to the actual unit.
        let duration = Duration.nanoseconds(billionthsOfUnit) * multiplier / divisor
        guard duration <= longestDuration else { return nil }
        return duration
    }
}
