/// The language a person reads alerts in.
public enum AlertLanguage: String, Sendable, Codable, CaseIterable {
    /// Azerbaijani.
    case az
    /// English.
    case en
}
