/// Follows an SMTP conversation through libcurl's debug callback and keeps only the
/// stage reached (never the lines themselves: they carry addresses). Handed to the
/// callback as its user pointer and used on the transfer's thread only.
final class SMTPStageTracker {
    var stage: SMTPStage = .connection

    /// A command line libcurl sent.
    func sent(command line: UnsafeRawBufferPointer) {
        if let next = SMTPStage.started(byCommand: line) { stage = next }
    }

    /// Message content libcurl sent (after `DATA`).
    func sentContent() {
        if stage == .data { stage = .message }
    }
}
