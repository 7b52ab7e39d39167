/// The shape of the codes that name agencies, districts and needs, as routing keys,
/// queue names (`referrals.<agency>`) and account names (`agency-<code>`) use them.
/// Every policy, the directory and the operators' tool check codes with these rules.
public enum AgencyCode {
    /// The longest code, in bytes.
    public static let maximumLength = 64

    /// One word: 1–64 of `a-z 0-9 _ -` (district and need codes).
    public static func isWord(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= maximumLength && text.utf8.allSatisfy { byte in
            (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57) || byte == 95 || byte == 45
        }
    }

    /// Words joined by dots, 1–64 bytes in all (no `*` or `#`, which are routing
    /// wildcards), e.g. `health` or `local.binagadi`.
    public static func isValid(_ text: String) -> Bool {
        text.utf8.count <= maximumLength
            && text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isWord(String($0)) }
    }
}
