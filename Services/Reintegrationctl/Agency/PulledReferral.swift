import Contract
import Foundation

/// What the agency's files and list need from a `referral.v1` body. The body itself is
/// kept on disk as received; this reads only the columns of `referrals.csv`.
struct PulledReferral: Decodable, Sendable {
    struct Person: Decodable, Sendable {
        var district: String?
    }

    var schema: String
    var referralId: UUID
    var caseId: UUID
    var issuedAt: Date
    var acknowledgeBy: Date
    var dueBy: Date
    var needs: [String]
    var person: Person?

    /// The body as a referral, or nil when it is not a well-formed `referral.v1`.
    static func parse(_ body: [UInt8]) -> PulledReferral? {
        guard let referral = try? ContractCoding.decode(PulledReferral.self, from: body), referral.schema == MessageType.referral else {
            return nil
        }
        return referral
    }
}
