import Contract
import Foundation
import ReferralDomain
import Testing
import WorkingCalendar

@Suite("Deadline extension requests: parsing and the rules for recording them")
struct ExtensionRequestTests {
    static let referralId = "5d3c2b1a-0f9e-4d8c-b7a6-e5f4d3c2b1a0"
    /// Friday 5 June 2026, 23:59:59 in Baku.
    static let dueBy = WorkingCalendar().endOfDay(CivilDay("2026-06-05")!)

    func body(_ fields: [String: Any]) -> [UInt8] {
        var object: [String: Any] = [
            "schema": "referral-status.v1", "referralId": Self.referralId, "status": "extension-requested",
            "requestedDueBy": "2026-06-19", "at": "2026-06-01T10:00:00+04:00", "note": "waiting for a document", "officer": "officer-1",
        ]
        for (key, value) in fields { object[key] = value }
        return Array(try! JSONSerialization.data(withJSONObject: object))
    }

    @Test func aValidRequestParses() throws {
        let request = try #require(try ExtensionRequest.parse(body([:])))
        #expect(request.referralId == UUID(uuidString: Self.referralId))
        #expect(request.requestedDueBy == CivilDay("2026-06-19"))
        #expect(request.note == "waiting for a document")
        #expect(request.officer == "officer-1")
    }

    @Test func anOrdinaryStatusUpdateIsNotAnExtensionRequest() throws {
        #expect(try ExtensionRequest.parse(body(["status": "acknowledged"])) == nil)
        #expect(try ExtensionRequest.parse(Array("{not json".utf8)) == nil)
        #expect(try ExtensionRequest.parse(body(["schema": "referral-status.v2"])) == nil)
    }

    /// A field set to a value, or to null when `value` is nil.
    @Test("each broken field is refused as invalid-field, naming the field", arguments: [
        ("requestedDueBy", "2026-02-30"), ("requestedDueBy", "19.06.2026"), ("requestedDueBy", nil), ("note", nil), ("note", "   "),
        ("referralId", "nope"), ("at", "yesterday"),
    ] as [(String, String?)])
    func brokenFieldsAreRefused(field: String, value: String?) {
        #expect {
            _ = try ExtensionRequest.parse(body([field: value ?? NSNull()]))
        } throws: { error in
            guard let refusal = error as? StatusRefusal else { return false }
            return refusal.reason == .invalidField && refusal.detail.hasPrefix("\(field):")
        }
    }

    func request(_ day: String) -> ExtensionRequest {
        ExtensionRequest(referralId: UUID(), requestedDueBy: CivilDay(day)!, at: Date(), note: "more time")
    }

    @Test func aLaterDateOnAnOpenReferralIsRecorded() {
        for status in [ReferralStatus.issued, .acknowledged, .inProgress] {
            #expect(request("2026-06-06").decide(status: status, dueBy: Self.dueBy, pending: nil, calendar: WorkingCalendar()) == .record)
        }
    }

    @Test func theRulesRefuseWhatCannotBeRecorded() {
        let calendar = WorkingCalendar()
        // Not later than the local day of the deadline in force.
        #expect(request("2026-06-05").decide(status: .issued, dueBy: Self.dueBy, pending: nil, calendar: calendar)
            == .refuse(.invalidField, detail: "requestedDueBy: must be later than the current dueBy (2026-06-05)"))
        #expect(request("2026-06-01").decide(status: .issued, dueBy: Self.dueBy, pending: nil, calendar: calendar).isRefusal(.invalidField))
        // A closed referral has no deadline left.
        #expect(request("2026-06-19").decide(status: .completed, dueBy: Self.dueBy, pending: nil, calendar: calendar).isRefusal(.invalidTransition))
        #expect(request("2026-06-19").decide(status: .declined, dueBy: Self.dueBy, pending: nil, calendar: calendar).isRefusal(.invalidTransition))
        // One request at a time: the same again is a duplicate, another date a conflict.
        #expect(request("2026-06-19").decide(status: .issued, dueBy: Self.dueBy, pending: CivilDay("2026-06-19"), calendar: calendar) == .duplicate)
        #expect(request("2026-06-26").decide(status: .issued, dueBy: Self.dueBy, pending: CivilDay("2026-06-19"), calendar: calendar).isRefusal(.conflict))
    }

    @Test func theEndOfADateIsItsLastSecondInBaku() {
        #expect(Timestamp.format(Self.dueBy).hasPrefix("2026-06-05T19:59:59"))
    }
}

extension ExtensionRequestDecision {
    func isRefusal(_ reason: RejectionReason) -> Bool {
        if case .refuse(reason, _) = self { return true }
        return false
    }
}
