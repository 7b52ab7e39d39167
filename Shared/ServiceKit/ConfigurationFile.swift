import Foundation

/// A configuration file named by an environment variable (policies, holidays, districts).
public enum ConfigurationFile {
    /// The file's bytes, or nil when the variable is unset (the built-in default applies).
    public static func contents(of variable: String, in environment: EnvironmentReader) throws -> [UInt8]? {
        guard let path = environment.string(variable) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UnreadableConfigurationFile(variable: variable, path: path)
        }
        return Array(data)
    }
}

/// A configured file that is missing or unreadable.
public struct UnreadableConfigurationFile: Error, CustomStringConvertible {
    public var variable: String
    public var path: String
    public var description: String { "\(variable): the file \(path) cannot be read" }
}
