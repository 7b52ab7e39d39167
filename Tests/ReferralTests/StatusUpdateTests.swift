import Contract
import Foundation
import ReferralDomain
import Testing

/// Why `body` is refused, or nil when it parses.
func statusRefusal(_ body: [UInt8]) -> StatusRefusal? {
    do {
        _ = try StatusUpdate.parse(body)
        return nil
    } catch {
        return error
    }
}

@Suite("StatusUpdate")
struct StatusUpdateTests {
    let referralId = "d1e2f3a4-0000-4000-8000-000000000002"

    func parse(_ json: String) throws(StatusRefusal) -> StatusUpdate {
        try StatusUpdate.parse(Array(json.utf8))
    }

    func refusal(_ json: String) -> StatusRefusal? { statusRefusal(Array(json.utf8)) }

    @Test("a valid update parses; unknown keys are ignored")
    func valid() throws {
        let update = try parse("""
            {"schema": "referral-status.v1", "referralId": "\(referralId)", "status": "in-progress",
             "at": "2026-06-03T10:00:00+04:00", "note": "visit booked", "officer": "R. Əliyev", "extra": [1, 2]}
            """)
        #expect(update == StatusUpdate(
            referralId: Fixtures.referralId, status: .inProgress, at: instant("2026-06-03T06:00:00Z"),
            note: "visit booked", officer: "R. Əliyev"))
        let minimal = try parse(#"{"schema": "referral-status.v1", "referralId": "\#(referralId)", "status": "acknowledged", "at": "2026-06-03T06:00:00Z", "note": null}"#)
        #expect(minimal.note == nil && minimal.officer == nil)
    }

    @Test("refusals carry the contract's reason and name the field", arguments: [
        ("not json", RejectionReason.notJSON, "body"),
        ("[1, 2]", .notJSON, "body"),
        ("\"text\"", .notJSON, "body"),
        (#"{"referralId": "x"}"#, .unknownSchema, "schema"),
        (#"{"schema": "referral-status.v2"}"#, .unknownSchema, "schema"),
        (#"{"schema": "referral-status.v1", "status": "acknowledged", "at": "2026-06-03T06:00:00Z"}"#, .invalidField, "referralId"),
        (#"{"schema": "referral-status.v1", "referralId": "42", "status": "acknowledged", "at": "2026-06-03T06:00:00Z"}"#, .invalidField, "referralId"),
        (#"{"schema": "referral-status.v1", "referralId": "d1e2f3a4-0000-4000-8000-000000000002", "status": "done", "at": "2026-06-03T06:00:00Z"}"#, .invalidField, "status"),
        (#"{"schema": "referral-status.v1", "referralId": "d1e2f3a4-0000-4000-8000-000000000002", "status": 3, "at": "2026-06-03T06:00:00Z"}"#, .invalidField, "status"),
        (#"{"schema": "referral-status.v1", "referralId": "d1e2f3a4-0000-4000-8000-000000000002", "status": "completed", "at": "2026-06-03 06:00"}"#, .invalidField, "at"),
        (#"{"schema": "referral-status.v1", "referralId": "d1e2f3a4-0000-4000-8000-000000000002", "status": "completed"}"#, .invalidField, "at"),
        (#"{"schema": "referral-status.v1", "referralId": "d1e2f3a4-0000-4000-8000-000000000002", "status": "completed", "at": "2026-06-03T06:00:00Z", "note": 5}"#, .invalidField, "note"),
        (#"{"schema": "referral-status.v1", "referralId": "d1e2f3a4-0000-4000-8000-000000000002", "status": "completed", "at": "2026-06-03T06:00:00Z", "officer": true}"#, .invalidField, "officer"),
        (#"{"schema": "referral-status.v1", "referralId": "d1e2f3a4-0000-4000-8000-000000000002", "status": "declined", "at": "2026-06-03T06:00:00Z"}"#, .invalidField, "note"),
        (#"{"schema": "referral-status.v1", "referralId": "d1e2f3a4-0000-4000-8000-000000000002", "status": "declined", "at": "2026-06-03T06:00:00Z", "note": "  "}"#, .invalidField, "note"),
        (#"{"schema": "referral-status.v1", "referralId": "d1e2f3a4-0000-4000-8000-000000000002", "status": "declined", "at": "2026-06-03T06:00:00Z", "note": "bad\u0000byte"}"#, .invalidField, "note"),
        (#"{"schema": "referral-status.v1", "referralId": "d1e2f3a4-0000-4000-8000-000000000002", "status": "completed", "at": "2026-06-03T06:00:00Z", "officer": "\u0000"}"#, .invalidField, "officer"),
    ])
    func refusals(json: String, reason: RejectionReason, field: String) {
        let refusal = refusal(json)
        #expect(refusal?.reason == reason, "\(json)")
        #expect(refusal?.detail.hasPrefix("\(field):") == true, "\(String(describing: refusal))")
    }

    @Test("timestamps with more than nine fraction digits parse, the extra digits dropped")
    func longFractions() throws {
        let update = try parse(#"{"schema": "referral-status.v1", "referralId": "\#(referralId)", "status": "acknowledged", "at": "2026-06-03T06:00:00.1234567890123Z"}"#)
        #expect(update.at == Timestamp.parse("2026-06-03T06:00:00.123456789Z"))
        #expect(Timestamp.parse("2026-06-03T06:00:00.5Z") == Timestamp.parse("2026-06-03T06:00:00.500Z"))
    }

    @Test("bodies over 64 KiB are too large")
    func tooLarge() {
        let note = String(repeating: "a", count: 70_000)
        let refusal = refusal(#"{"schema": "referral-status.v1", "note": "\#(note)"}"#)
        #expect(refusal?.reason == .tooLarge)
    }

    @Test("long notes are refused without quoting them")
    func longNote() {
        let note = String(repeating: "Ş", count: 4001)
        let refusal = refusal(#"{"schema": "referral-status.v1", "referralId": "\#(referralId)", "status": "declined", "at": "2026-06-03T06:00:00Z", "note": "\#(note)"}"#)
        #expect(refusal?.reason == .invalidField)
        #expect(refusal?.detail.contains("Ş") == false)
        #expect(refusal.map { "\($0)" }?.hasPrefix("invalid-field: note:") == true)
    }
}

@Suite("ReferralStatus")
struct ReferralStatusTests {
    func update(_ status: ReferralStatus, note: String? = nil) -> StatusUpdate {
        StatusUpdate(referralId: Fixtures.referralId, status: status, at: Date(), note: note)
    }

    @Test("forward along the chain applies, skipping steps included", arguments: [
        (ReferralStatus.issued, ReferralStatus.acknowledged),
        (.acknowledged, .inProgress),
        (.inProgress, .completed),
        (.issued, .inProgress),
        (.issued, .completed),
        (.acknowledged, .completed),
    ])
    func forward(from: ReferralStatus, to: ReferralStatus) {
        #expect(ReferralStatus.decide(current: from, update: update(to)) == .apply)
    }

    @Test("any open status may be declined with a note")
    func declining() {
        for current in [ReferralStatus.issued, .acknowledged, .inProgress] {
            #expect(ReferralStatus.decide(current: current, update: update(.declined, note: "not competent")) == .apply)
            guard case .refuse(.invalidField, let detail) = ReferralStatus.decide(current: current, update: update(.declined)) else {
                Issue.record("declined without a note was not refused")
                continue
            }
            #expect(detail.hasPrefix("note:"))
        }
    }

    @Test("the same status again is a duplicate", arguments: ReferralStatus.allCases)
    func duplicate(status: ReferralStatus) {
        #expect(ReferralStatus.decide(current: status, update: update(status, note: "again")) == .duplicate)
    }

    @Test("backwards or out of a closed status is an invalid transition", arguments: [
        (ReferralStatus.acknowledged, ReferralStatus.issued),
        (.inProgress, .acknowledged),
        (.completed, .inProgress),
        (.completed, .declined),
        (.declined, .acknowledged),
        (.declined, .completed),
    ])
    func invalid(from: ReferralStatus, to: ReferralStatus) {
        guard case .refuse(.invalidTransition, let detail) = ReferralStatus.decide(current: from, update: update(to, note: "n")) else {
            Issue.record("\(from) → \(to) was not refused")
            return
        }
        #expect(detail.hasPrefix("status:"))
    }

    @Test("statuses map to referral events and know whether they are open")
    func mapping() {
        #expect(ReferralStatus.inProgress.eventKind == .inProgress)
        // Every kind but deadline-changed (an approved extension, not a status) is a status's.
        #expect(ReferralStatus.allCases.map(\.eventKind) == ReferralEvent.Kind.allCases.filter { $0 != .deadlineChanged })
        #expect(ReferralStatus.allCases.filter(\.isOpen) == [.issued, .acknowledged, .inProgress])
    }
}

/// Status updates get the same strict decoding as SMS records.
@Suite("StatusUpdate strict decoding")
struct StatusUpdateStrictDecodingTests {
    static let valid = #"{"schema": "referral-status.v1", "referralId": "d1e2f3a4-0000-4000-8000-000000000002", "status": "declined", "at": "2026-06-03T06:00:00Z", "note": "not competent""#

    func refusal(_ body: [UInt8]) -> StatusRefusal? { statusRefusal(body) }

    func refusal(_ text: String) -> StatusRefusal? { statusRefusal(Array(text.utf8)) }

    @Test func theBaseBodyIsValid() throws {
        #expect(try StatusUpdate.parse(Array((Self.valid + "}").utf8)).status == .declined)
    }

    static let bodyCases: [(String, RejectionReason, String)] = [
        ("", .notJSON, "body: is empty"),
        (valid + "}}", .notJSON, "body: is not valid JSON"),
        (valid + ",}", .notJSON, "body: is not valid JSON"),
        (valid + #", "officer": "\ud800"}"#, .notJSON, "body: is not valid JSON"),
        ("[" + valid + "}]", .notJSON, "body: must be a JSON object"),
        (valid + #", "x": "# + String(repeating: "[", count: 64) + String(repeating: "]", count: 64) + "}",
         .notJSON, "body: is nested more than 64 levels deep"),
        (valid + #", "status": "completed"}"#, .notJSON, "status: is a duplicated key"),
        (valid + #", "extra": {"a": 1, "a": 1}}"#, .notJSON, "extra.a: is a duplicated key"),
        (valid + #", "note": "x"}"#, .notJSON, "note: is a duplicated key"),
    ]

    @Test("body-level problems are refused with the intake's wording", arguments: bodyCases)
    func bodyProblems(text: String, reason: RejectionReason, detail: String) {
        let refusal = refusal(text)
        #expect(refusal?.reason == reason)
        #expect(refusal?.detail == detail)
    }

    @Test func rawBytesThatAreNotUTF8OrHoldNULAreRefused() {
        let open = Array((Self.valid + #", "officer": ""#).utf8)
        let close = Array(#""}"#.utf8)
        #expect(refusal(open + [0xFF] + close) == StatusRefusal(reason: .notJSON, detail: "body: is not valid UTF-8"))
        #expect(refusal(open + [0x00] + close) == StatusRefusal(reason: .notJSON, detail: "body: is not valid JSON"))
    }

    @Test func exactly64KiBIsReadAndOneByteMoreIsTooLarge() throws {
        let prefix = Self.valid + #", "padding": ""#
        let padding = maximumBodySize - prefix.utf8.count - 2
        let body = prefix + String(repeating: "p", count: padding) + #""}"#
        #expect(body.utf8.count == maximumBodySize)
        #expect(try StatusUpdate.parse(Array(body.utf8)).status == .declined)
        let over = prefix + String(repeating: "p", count: padding + 1) + #""}"#
        #expect(refusal(over) == StatusRefusal(reason: .tooLarge, detail: "body: must be at most 65536 bytes"))
    }

    @Test("notes and officers are limited in Unicode scalars too", arguments: [
        ("note", 4000), ("officer", 200),
    ])
    func scalarLimits(field: String, limit: Int) throws {
        func body(_ text: String) -> [UInt8] {
            let note = field == "note" ? text : "not competent"
            let officer = field == "officer" ? text : "R. Əliyeva"
            return Array(#"{"schema": "referral-status.v1", "referralId": "d1e2f3a4-0000-4000-8000-000000000002", "status": "declined", "at": "2026-06-03T06:00:00Z", "note": "\#(note)", "officer": "\#(officer)"}"#.utf8)
        }
        // One letter and its marks: a single character, `limit` scalars.
        let within = "a" + String(repeating: "\u{301}", count: limit - 1)
        #expect(throws: Never.self) { try StatusUpdate.parse(body(within)) }
        let detail = "\(field): longer than \(limit) characters"
        #expect(refusal(body(within + "\u{301}")) == StatusRefusal(reason: .invalidField, detail: detail))
        #expect(refusal(body("a" + String(repeating: "\u{301}", count: 30_000))) == StatusRefusal(reason: .invalidField, detail: detail))
    }
}

/// Found by fuzzing the status update parser: a time before 1582 was written back by
/// Foundation's Julian-switching formatter days away from the instant read.
@Suite("Timestamp round trip")
struct TimestampRoundTripTests {
    @Test("the fuzzer's input: an update dated 1013 keeps its day when written back")
    func fuzzedUpdateDatedInTheYear1013() throws {
        let body = #"{"schema":"referral-status.v1","referralId":"D1E2F3A4-0000-4000-8000-000000000002","status":"acknowledged","at":"1013-06-01T10:00:00+04:00","note":"assigned to the Binagadi office","officer":"R. Əliyeva"}"#
        let update = try StatusUpdate.parse(Array(body.utf8))
        #expect(Timestamp.format(update.at) == "1013-06-01T06:00:00.000Z")
        #expect(Timestamp.parse(Timestamp.format(update.at)) == update.at)
    }

    @Test func formatMatchesFoundationFromTheGregorianReformOn() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            // 1583-01-01 to 9999-12-31, with fractions.
            let date = Date(timeIntervalSince1970: Double.random(in: -12_212_553_600...253_402_300_799.999, using: &random))
            let foundation = date.formatted(
                .iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
            #expect(Timestamp.format(date) == foundation)
        }
    }

    @Test("every instant that parses is written back as itself", arguments: [
        "0001-01-01T00:00:00Z", "0001-01-01T23:59:59.999+23:59", "1013-06-01T10:00:00+04:00", "1582-10-10T12:00:00Z",
        "1969-12-31T23:59:59.9995Z", "2026-06-03T10:00:00.123+04:00", "9999-12-31T23:59:59.999Z",
        "9999-12-31T00:00:00-23:59",
    ])
    func roundTrip(text: String) throws {
        let date = try #require(Timestamp.parse(text))
        let written = Timestamp.format(date)
        let again = try #require(Timestamp.parse(written), "\(written)")
        #expect(abs(again.timeIntervalSince(date)) < 0.002)
    }

    @Test("an offset that leaves years 0001-9999 is refused", arguments: [
        "0001-01-01T00:00:00+00:01", "9999-12-31T23:59:59-00:01", "9999-12-31T23:59:59-23:59",
    ])
    func outOfRange(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }
}
