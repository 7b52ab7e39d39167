import Contract
import ServiceKit

/// The district reference list: the built-in one, or the JSON array of codes in the
/// file named by `INTAKE_DISTRICTS_FILE`.
enum DistrictSource {
    static func load(from environment: EnvironmentReader) throws -> DistrictCatalog {
        guard let bytes = try ConfigurationFile.contents(of: "INTAKE_DISTRICTS_FILE", in: environment) else { return .default }
        return try DistrictCatalog.load(json: bytes)
    }
}
