import Contract
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

    /// The district codes records may name, one catalogue for intake and referral:
    /// `DISTRICTS_FILE` (a JSON array of codes; `INTAKE_DISTRICTS_FILE`, its earlier name,
    /// is still read), else the built-in list.
    public static func districtCatalog(in environment: EnvironmentReader) throws -> DistrictCatalog {
        let variable = environment.string("DISTRICTS_FILE") != nil ? "DISTRICTS_FILE" : "INTAKE_DISTRICTS_FILE"
        return try contents(of: variable, in: environment).map { bytes in try DistrictCatalog.load(json: bytes) } ?? .default
    }
}

/// A configured file that is missing or unreadable.
public struct UnreadableConfigurationFile: Error, CustomStringConvertible {
    public var variable: String
    public var path: String
    public var description: String { "\(variable): the file \(path) cannot be read" }
}
