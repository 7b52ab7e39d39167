import Foundation

/// What an operator sees of one case: identifiers, the person's initials, each referral
/// with its deadlines, and one chronological timeline. Never the FIN, birth date, phone,
/// needs or notes: the lookup does not even read them.
struct CaseDossier: Sendable, Encodable {
    struct Referral: Sendable, Encodable {
        var referralId: String
        var agency: String
        var status: String
        var issuedAt: Date
        var acknowledgeBy: Date
        var dueBy: Date
    }

    /// One thing that happened to the case; fields that do not apply to its kind are left out.
    struct TimelineEntry: Sendable, Encodable {
        enum Kind: String, Sendable, Encodable {
            case caseOpened = "case-opened"
            case consentReleased = "consent-released"
            case statusChange = "status-change"
            /// A deadline extension asked for, approved or refused (contract item 8).
            case deadlineExtension = "deadline-extension"
            case escalation
            case deliveryAttempt = "delivery-attempt"
            case deliveryWaiting = "delivery-waiting"
        }

        var at: Date
        var kind: Kind
        var referralId: String?
        var agency: String?
        /// One line for people, already free of personal data.
        var summary: String
        // Status changes.
        var fromStatus: String?
        var toStatus: String?
        var actor: String?
        // Escalations: the planned moment, the audiences alerted, whether the timer was late.
        var step: Int?
        var audiences: [String]?
        var plannedAt: Date?
        var late: Bool?
        var delaySeconds: Double?
        // Deliveries: the recipient by directory id and role, never by address.
        var recipientId: String?
        var recipientRole: String?
        var channel: String?
        var deliveryStatus: String?
        var attempt: Int?
        var result: String?
        var responseCode: Int?
    }

    /// Identifiers in lowercase, as the database and the agencies' messages write them.
    var caseId: String
    var smsReference: String
    var personInitials: String?
    var district: String
    var readmittedAt: Date
    var openedAt: Date
    /// `given` or `awaiting`, as intake recorded it.
    var consent: String
    var referrals: [Referral]
    var timeline: [TimelineEntry]
}
