import Contract

/// The shape of codes in a policy: agency, district and need codes are lowercase ASCII
/// words (`a-z 0-9 _ -`); agency codes may join words with dots, as AMQP routing keys do.
/// The rules are the cluster's one `AgencyCode` rule.
enum PolicyVocabulary {
    static let maximumCodeLength = AgencyCode.maximumLength

    /// One word: 1–64 of `a-z 0-9 _ -`.
    static func isCode(_ text: String) -> Bool { AgencyCode.isWord(text) }

    /// Words joined by dots, 1–64 characters in all.
    static func isAgencyCode(_ text: String) -> Bool { AgencyCode.isValid(text) }
}
