import Foundation

/// `notification-request.v1`: any service → notification, on `cluster.events` with key
/// `notification.<kind>`. Names an audience, never addresses: the notification service
/// resolves people from its directory.
public struct NotificationRequest: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// A ladder step of the deadline-escalation service.
        case escalation
        /// A case held for lack of consent (to the secretariat).
        case consentHold = "consent-hold"
        /// Something operators must look at (a delivery that finally failed).
        case operatorReport = "operator"
        /// An agency asked for a later deadline (to the secretariat and the chair).
        case extensionRequested = "extension-requested"
    }

    /// What an operator report is about.
    public enum OperatorProblem: String, Sendable, Codable, CaseIterable {
        /// A delivery kept failing and was given up after its retries.
        case deliveryFailed = "delivery-failed"
        /// An alert found no active person for its audiences: nobody was told.
        case noRecipient = "no-recipient"
    }

    public enum Audience: String, Sendable, Codable, CaseIterable {
        case focalPoints = "focal-points"
        case workingGroupMembers = "working-group-members"
        case chair
        case secretariat
        case operators
    }

    public var schema: String = MessageType.notificationRequest
    public var kind: Kind
    /// Stable across redeliveries: deliveries are deduplicated per (key, recipient, channel).
    public var deliveryKey: String
    public var audiences: [Audience]
    public var agency: String?
    public var caseId: UUID?
    public var referralId: UUID?
    /// The ladder step (1–4) for escalations.
    public var step: Int?
    public var deadline: Date?
    /// Seconds past the deadline when the request was made (0 when not late).
    public var lateBySeconds: Int?
    public var personInitials: String?
    /// For extension requests: the local date (Asia/Baku, `YYYY-MM-DD`) the agency asks for;
    /// `deadline` is then the deadline in force.
    public var requestedDueBy: String?
    /// For operator reports: what went wrong (absent in reports from before it existed: a failed delivery).
    public var problem: OperatorProblem?
    public var requestedAt: Date

    public init(
        kind: Kind, deliveryKey: String, audiences: [Audience], agency: String? = nil,
        caseId: UUID? = nil, referralId: UUID? = nil, step: Int? = nil, deadline: Date? = nil,
        lateBySeconds: Int? = nil, personInitials: String? = nil, requestedDueBy: String? = nil, problem: OperatorProblem? = nil,
        requestedAt: Date
    ) {
        self.kind = kind
        self.deliveryKey = deliveryKey
        self.audiences = audiences
        self.agency = agency
        self.caseId = caseId
        self.referralId = referralId
        self.step = step
        self.deadline = deadline
        self.lateBySeconds = lateBySeconds
        self.personInitials = personInitials
        self.requestedDueBy = requestedDueBy
        self.problem = problem
        self.requestedAt = requestedAt
    }
}
