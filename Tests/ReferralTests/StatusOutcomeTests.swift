import Contract
import Foundation
import ReferralDomain
import Testing

@Suite("Status outcome bodies")
struct StatusOutcomeBodyTests {
    let referralId = UUID(uuidString: "D1E2F3A4-0000-4000-8000-000000000002")!

    func object(_ outcome: StatusOutcome) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(ContractCoding.encode(outcome))) as? [String: Any])
    }

    @Test("applied and duplicate carry the status and no reason; the id is lower case")
    func appliedAndDuplicate() throws {
        let applied = try object(.applied(referralId, from: .issued, to: .acknowledged))
        #expect(applied["schema"] as? String == "referral-status-outcome.v1")
        #expect(applied["referralId"] as? String == "d1e2f3a4-0000-4000-8000-000000000002")
        #expect(applied["outcome"] as? String == "applied")
        #expect(applied["status"] as? String == "acknowledged")
        #expect(applied["reason"] == nil)
        #expect(applied["detail"] as? String == "status: changed from issued to acknowledged")
        let duplicate = try object(.duplicate(referralId, status: .inProgress))
        #expect(duplicate["outcome"] as? String == "duplicate")
        #expect(duplicate["status"] as? String == "in-progress")
    }

    @Test("a refusal carries its reason code and detail, and no status until one is known")
    func refused() throws {
        let refused = try object(.refused(referralId, .invalidTransition, detail: "status: the referral is already completed"))
        #expect(refused["outcome"] as? String == "refused")
        #expect(refused["reason"] as? String == "invalid-transition")
        #expect(refused["status"] == nil)
        #expect(try object(.refused(nil, .notJSON, detail: "body: is not JSON"))["referralId"] == nil)
    }

    @Test("the referral id of a refused body is read when it is a UUID, and only then")
    func referralIdOfBody() {
        #expect(StatusOutcome.referralId(in: Array(#"{"referralId": "d1e2f3a4-0000-4000-8000-000000000002", "status": "x"}"#.utf8)) == referralId)
        #expect(StatusOutcome.referralId(in: Array(#"{"referralId": "not-a-uuid"}"#.utf8)) == nil)
        #expect(StatusOutcome.referralId(in: Array("{not json".utf8)) == nil)
        #expect(StatusOutcome.referralId(in: Array(#"{"referralId": 7}"#.utf8)) == nil)
    }

    @Test("an outcome decodes back, and a newer status is kept as text")
    func decodes() throws {
        let body = Array(#"{"schema":"referral-status-outcome.v1","outcome":"applied","detail":"d","status":"on-hold"}"#.utf8)
        let outcome = try ContractCoding.decode(StatusOutcome.self, from: body)
        #expect(outcome.status == "on-hold")
        #expect(outcome.referralId == nil)
    }
}
