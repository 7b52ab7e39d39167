import WorkingCalendar

/// The secretariat's decision on one extension request, as given to
/// `reintegrationctl referral extension approve|refuse`.
public struct ExtensionDecision: Sendable, Equatable {
    public enum Verdict: Sendable, Equatable {
        /// Approve; `dueBy` grants another date than the one asked for.
        case approve(dueBy: CivilDay?)
        case refuse
    }

    public static let maximumNameLength = 200
    public static let maximumNoteLength = 4000

    public var verdict: Verdict
    /// Who decided (a member of the secretariat).
    public var decidedBy: String
    public var note: String

    public init(verdict: Verdict, decidedBy: String, note: String) {
        self.verdict = verdict
        self.decidedBy = decidedBy
        self.note = note
    }

    /// The problem with the name or the note, or nil when both are usable.
    public var problem: String? {
        let name = decidedBy.trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty { return "--by: give the name of who decides" }
        if name.count > Self.maximumNameLength { return "--by: longer than \(Self.maximumNameLength) characters" }
        if note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return "--note: a note is required" }
        if note.count > Self.maximumNoteLength { return "--note: longer than \(Self.maximumNoteLength) characters" }
        if (decidedBy + note).unicodeScalars.contains("\u{0}") { return "--by and --note must not contain U+0000" }
        return nil
    }
}
