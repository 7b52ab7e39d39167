import Contract
import Foundation
import IntakeDomain
import StrictJSON

// libFuzzer harness for the intake parser (`readmission.v1` and `consent.v1` bodies),
// built by deploy/local/fuzz. Any input must give an answer that keeps the contract's
// promises; a broken promise traps, so libFuzzer keeps the input as a crash.
// Messages name the broken promise only, never the input (it may look like personal data).

private let parser = IntakeParser()
/// A fixed clock keeps every run reproducible: 2026-05-30 12:00 in Baku.
private let now = Date(timeIntervalSince1970: 1_780_128_000)
private let reasons: Set<String> = ["too-large", "not-json", "unknown-schema", "invalid-field"]

private func require(_ condition: Bool, _ promise: StaticString) {
    if !condition { fatalError("intake parser broke a promise: \(promise)") }
}

/// Text fit for a header, a log line and a PostgreSQL text column.
private func isPrintable(_ text: String) -> Bool {
    !text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
}

private func isSMSReference(_ text: String) -> Bool {
    (1...64).contains(text.utf8.count) && text.utf8.allSatisfy { byte in
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "-")
    }
}

private func checkRefusal(_ refusal: IntakeRefusal, bodySize: Int) {
    require(reasons.contains(refusal.reason.rawValue), "a refusal has one of the parser's reasons")
    require(!refusal.problems.isEmpty, "a refusal lists a problem")
    require(refusal.problems.count <= IntakeParser.maximumListedProblems + 1, "a refusal lists at most 101 problems")
    require(refusal.problems.allSatisfy { !$0.field.isEmpty && !$0.problem.isEmpty }, "every problem names a field")
    let detail = refusal.detail
    require(!detail.isEmpty, "a refusal has a detail")
    require(detail.utf8.count <= IntakeRefusal.maximumDetailLength, "the detail fits a header")
    require(isPrintable(detail), "the detail has no control characters")
    require((refusal.reason == .tooLarge) == (bodySize > maximumBodySize), "too-large exactly when over 64 KiB")
    if refusal.reason == .tooLarge || refusal.reason == .notJSON {
        require(refusal.problems.count == 1, "a body-level refusal has one problem")
    }
    if let reference = refusal.smsReference { require(isSMSReference(reference), "a named smsReference is valid") }
    if let schema = refusal.schema { require(isPrintable(schema) && TextLength.fits(schema, within: 64), "a named schema is short") }
}

private func checkRecord(_ record: ValidatedReadmission) {
    require(isSMSReference(record.smsReference), "an accepted smsReference is valid")
    let person = record.person
    for name in [person.firstName, person.lastName] {
        require(!name.isEmpty && TextLength.fits(name, within: 100), "names are 1-100 characters and scalars")
    }
    require(person.patronymic.map { TextLength.fits($0, within: 100) } ?? true, "patronymic within 100")
    require(record.notes.map { TextLength.fits($0, within: 4000) } ?? true, "notes within 4000")
    require(record.borderPoint.map { TextLength.fits($0, within: 16) } ?? true, "borderPoint within 16")
    require(record.agreementReference.map { TextLength.fits($0, within: 64) } ?? true, "agreement reference within 64")
    require(record.family.count <= 20, "at most 20 family members")
    require(person.personalId != nil || record.needs.contains("documents"), "no FIN means the documents need")

    // The canonical content re-serialises: strict JSON, and a fixed point of the parser.
    let canonical = Array(record.canonicalContent.utf8)
    let object = try? StrictJSONDecoder(maximumSize: .max).decodeObject(canonical)
    require(object?["smsReference"] == .string(record.smsReference), "canonical content is strict JSON with the record")
    switch parser.parse(body: canonical, now: now) {
    case .readmission(let again):
        require(again.canonicalContent == record.canonicalContent, "canonical content is a fixed point")
    case .refused(let refusal):
        // NFC may turn one scalar into two (composition exclusions), and so cross a limit.
        require(refusal.problems.allSatisfy { $0.problem.hasPrefix("must be at most") }, "canonical content is accepted")
    case .consent:
        require(false, "canonical content of a record is a record")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIntakeParser(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let body = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    switch parser.parse(body: body, now: now) {
    case .refused(let refusal):
        checkRefusal(refusal, bodySize: body.count)
    case .readmission(let record):
        checkRecord(record)
    case .consent(let update):
        require(isSMSReference(update.smsReference), "a consent update names a valid smsReference")
    }
    return 0
}
