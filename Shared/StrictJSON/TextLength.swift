/// Length limits on message text. A limit in characters holds for user-perceived
/// characters and for Unicode scalars alike: one letter carrying 30 000 combining marks is
/// one Character, and must not pass a 100-character limit.
public enum TextLength {
    /// True when `text` has at most `maximum` Characters and at most `maximum` Unicode scalars.
    public static func fits(_ text: String, within maximum: Int) -> Bool {
        // Scalars first: a Character holds at least one, so a long run is refused without
        // walking grapheme clusters.
        text.unicodeScalars.count <= maximum && text.count <= maximum
    }
}
