import Foundation
import WorkingCalendar

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

    /// The public holidays every service counts working days with: `WORKING_CALENDAR_FILE`,
    /// else the built-in Baku calendar.
    public static func workingCalendar(in environment: EnvironmentReader) throws -> WorkingCalendar {
        try contents(of: "WORKING_CALENDAR_FILE", in: environment).map { bytes in try WorkingCalendar.load(holidaysJSON: bytes) }
            ?? WorkingCalendar()
    }
}

/// A configured file that is missing or unreadable.
public struct UnreadableConfigurationFile: Error, CustomStringConvertible {
    public var variable: String
    public var path: String
    public var description: String { "\(variable): the file \(path) cannot be read" }
}
