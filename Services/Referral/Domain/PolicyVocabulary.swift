/// The shape of codes in a policy: agency, district and need codes are lowercase ASCII
/// words (`a-z 0-9 _ -`); agency codes may join words with dots, as AMQP routing keys do.
enum PolicyVocabulary {
    static let maximumCodeLength = 64

    /// One word: 1–64 of `a-z 0-9 _ -`.
    static func isCode(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= maximumCodeLength && text.utf8.allSatisfy { byte in
            (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57) || byte == 95 || byte == 45
        }
    }

    /// Words joined by dots, 1–64 characters in all (no `*` or `#`, which are routing wildcards).
    static func isAgencyCode(_ text: String) -> Bool {
        text.utf8.count <= maximumCodeLength
            && text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isCode(String($0)) }
    }
}
