import Contract
import Foundation
import ReferralDomain
import StrictJSON

// libFuzzer harness for the status update parser (`referral-status.v1` bodies), built by
// deploy/local/fuzz. Any input must give an update or a refusal that keeps the contract's
// promises; a broken promise traps, so libFuzzer keeps the input as a crash.
// Messages name the broken promise only, never the input.

private let reasons: Set<String> = ["too-large", "not-json", "unknown-schema", "invalid-field"]

private func require(_ condition: Bool, _ promise: StaticString) {
    if !condition { fatalError("status update parser broke a promise: \(promise)") }
}

private func isPrintable(_ text: String) -> Bool {
    !text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
}

private func checkRefusal(_ refusal: StatusRefusal, bodySize: Int) {
    require(reasons.contains(refusal.reason.rawValue), "a refusal has one of the parser's reasons")
    let parts = refusal.detail.split(separator: ": ", maxSplits: 1)
    require(parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty, "the detail is `field: problem`")
    require(refusal.detail.utf8.count <= 512, "the detail fits a header")
    require(isPrintable(refusal.detail), "the detail has no control characters")
    require((refusal.reason == .tooLarge) == (bodySize > maximumBodySize), "too-large exactly when over 64 KiB")
}

/// The update written back as a body, as an agency would send it.
private func body(of update: StatusUpdate) -> [UInt8] {
    var text = #"{"schema":"referral-status.v1","referralId":"\#(update.referralId.uuidString)","#
    text += #""status":"\#(update.status.rawValue)","at":"\#(Timestamp.format(update.at))""#
    if let note = update.note {
        text += #","note":"#
        JSONStringLiteral.append(note, to: &text)
    }
    if let officer = update.officer {
        text += #","officer":"#
        JSONStringLiteral.append(officer, to: &text)
    }
    return Array((text + "}").utf8)
}

private func checkUpdate(_ update: StatusUpdate) {
    for text in [update.note, update.officer].compactMap({ $0 }) {
        require(!text.unicodeScalars.contains("\u{0}"), "accepted text has no NUL")
    }
    require(update.note.map { TextLength.fits($0, within: StatusUpdate.maximumNoteLength) } ?? true, "note within 4000")
    require(update.officer.map { TextLength.fits($0, within: StatusUpdate.maximumOfficerLength) } ?? true, "officer within 200")
    require(update.status != .declined || update.hasNote, "declined carries a note")
    // An accepted update re-serialises and reads back the same (timestamps to the millisecond).
    guard let again = try? StatusUpdate.parse(body(of: update)) else {
        return require(false, "an accepted update re-serialises")
    }
    require(again.referralId == update.referralId && again.status == update.status, "referral and status read back")
    require(again.note == update.note && again.officer == update.officer, "note and officer read back")
    require(abs(again.at.timeIntervalSince(update.at)) < 0.002, "the time reads back to the millisecond")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStatusUpdateParser(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let body = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    do {
        checkUpdate(try StatusUpdate.parse(body))
    } catch {
        checkRefusal(error, bodySize: body.count)
    }
    return 0
}
