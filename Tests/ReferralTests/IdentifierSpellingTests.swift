import Contract
import Foundation
import ReferralDomain
import Testing

/// Ids leave the cluster in one form, RFC 4122's lower case, and are read in either.
@Suite("Identifier spelling in referral messages")
struct IdentifierSpellingTests {
    /// Every UUID in `bytes` written with an upper-case hex digit.
    static func upperCaseIds(in bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self)
            .matches(of: /[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}/).map { String($0.output) }
            .filter { $0 != $0.lowercased() }
    }

    @Test("referral.v1, referral-event.v1 and case-opened bodies write ids in lower case")
    func outgoingBodiesWriteLowerCaseIds() throws {
        let referral = try ReferralComposer().compose(
            referralId: Fixtures.referralId, for: Fixtures.openedCase(),
            referral: PlannedReferral(agency: "health", needs: ["health"]), issuedAt: Date(timeIntervalSince1970: 1_780_000_000))
        let event = ReferralEvent(
            kind: .issued, referralId: Fixtures.referralId, caseId: Fixtures.openedCase().caseId, agency: "health", at: Date())
        for body in [try ContractCoding.encode(referral), try ContractCoding.encode(event), try ContractCoding.encode(Fixtures.openedCase())] {
            #expect(Self.upperCaseIds(in: body).isEmpty, "\(String(decoding: body, as: UTF8.self))")
            #expect(String(decoding: body, as: UTF8.self).contains(ContractID.text(Fixtures.referralId))
                || String(decoding: body, as: UTF8.self).contains(ContractID.text(Fixtures.openedCase().caseId)))
        }
    }

    @Test("an id is read in either case")
    func eitherCaseIsRead() throws {
        let id = ContractID.text(Fixtures.referralId)
        for text in [id, id.uppercased()] {
            let body = Array(#"{"schema":"referral-status.v1","referralId":"\#(text)","status":"acknowledged","at":"2026-06-02T10:00:00+04:00"}"#.utf8)
            #expect(try StatusUpdate.parse(body).referralId == Fixtures.referralId)
        }
    }
}
