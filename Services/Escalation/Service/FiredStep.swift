import Contract
import EscalationDomain
import Foundation
import Postgres

/// A step the timer has just marked fired, as the claiming query returns it.
struct FiredStep: Sendable {
    var due: DueStep
    /// The database's time of the firing transaction.
    var firedAt: Date
    /// Fired more than `DueStep.lateTolerance` after its moment.
    var late: Bool

    /// A stored audience the contract no longer knows.
    struct UnknownAudience: Error, CustomStringConvertible {
        var referralId: UUID
        var step: Int
        var audience: String
        var description: String { "ladder step \(step) of referral \(referralId): unknown audience \(audience)" }
    }

    init(_ row: PostgresRow) throws {
        let referralId: UUID = try row["referral_id"].decode()
        let step: Int = try row["step"].decode()
        let audiences = try row["audiences"].decode(String.self).split(separator: ",").map { name in
            guard let audience = NotificationRequest.Audience(rawValue: String(name)) else {
                throw UnknownAudience(referralId: referralId, step: step, audience: String(name))
            }
            return audience
        }
        due = DueStep(
            referralId: referralId, caseId: try row["case_id"].decode(), agency: try row["agency"].decode(), step: step,
            moment: try row["moment"].decode(), deadline: try row["deadline"].decode(), audiences: audiences,
            personInitials: try row["person_initials"].decodeIfPresent())
        firedAt = try row["fired_at"].decode()
        late = try row["late"].decode()
    }
}
