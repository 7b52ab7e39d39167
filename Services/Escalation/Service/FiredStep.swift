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

    /// Stored audiences the contract no longer knows: left out of the alert and logged,
    /// so one old row cannot hold up every later step.
    var unknownAudiences: [String]

    init(_ row: PostgresRow) throws {
        let referralId: UUID = try row["referral_id"].decode()
        let step: Int = try row["step"].decode()
        let names = try row["audiences"].decode(String.self).split(separator: ",").map(String.init)
        let audiences = names.compactMap(NotificationRequest.Audience.init(rawValue:))
        unknownAudiences = names.filter { NotificationRequest.Audience(rawValue: $0) == nil }
        due = DueStep(
            referralId: referralId, caseId: try row["case_id"].decode(), agency: try row["agency"].decode(), step: step,
            moment: try row["moment"].decode(), deadline: try row["deadline"].decode(), audiences: audiences,
            personInitials: try row["person_initials"].decodeIfPresent())
        firedAt = try row["fired_at"].decode()
        late = try row["late"].decode()
    }
}
