import ArgumentParser
import ServiceKit

/// The language of every line the agency commands print for a person: Azerbaijani or English.
enum AgencyLanguage: String, ExpressibleByArgument, CaseIterable, Sendable {
    case az, en

    /// The locale's language, as POSIX decides it: the first of `LC_ALL`, `LC_MESSAGES` and
    /// `LANG` that is set; Azerbaijani when it starts with `az`, English otherwise.
    static func fromLocale(_ environment: EnvironmentReader) -> AgencyLanguage {
        for variable in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            guard let value = environment.string(variable) else { continue }
            return value.lowercased().hasPrefix("az") ? .az : .en
        }
        return .en
    }
}
