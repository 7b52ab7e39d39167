/// Names that cross a service boundary: exchanges, queues and message types.
///
/// The contract's names (`intake`, `referrals`, `agency.updates` and their queues) are
/// fixed by the external specification; the internal ones link the four services.
public enum ExchangeName {
    /// SMS systems publish `readmission.v1` and `consent.v1` here.
    public static let intake = "intake"
    /// The referral service publishes `referral.v1` with routing key = agency code.
    public static let referrals = "referrals"
    /// Agencies publish `referral-status.v1` with routing key = their agency code.
    public static let agencyUpdates = "agency.updates"
    /// Internal events between the services (`case.*`, `referral.*`, `notification.*`).
    public static let clusterEvents = "cluster.events"
    /// Messages that exhausted their redelivery limit, routed by their queue's name.
    public static let deadLetters = "dead-letters"
    /// Intake's refusals (contract v1.1, direct): routing key = the sender's account name,
    /// into `intake.rejected.<account>`; `unattributed` when the sender is unknown.
    public static let intakeRejected = "intake.rejected"
    /// The alternate exchange of `intake.rejected` (fanout): a refusal whose sender has no
    /// queue of its own lands in `intake.rejected.unattributed` instead of being lost.
    public static let intakeRejectedUnrouted = "intake.rejected.unrouted"
    /// The referral service's refusals (direct, internal), into `agency.updates.rejected`.
    public static let referralRefusals = "referral.refusals"
    /// The default exchange: publishing to a queue by name. Only intake uses it, and only
    /// to answer reply queues (`ReplyQueue`).
    public static let defaultExchange = ""
}

public enum QueueName {
    public static let intakeReadmissions = "intake.readmissions"
    /// The v1 queue of every intake refusal; retired in v1.1 once its messages are moved
    /// (`reintegrationctl rejected migrate`).
    public static let intakeRejectedV1 = "intake.rejected"
    /// Refusals whose sender is unknown or has no queue of its own.
    public static let intakeRejectedUnattributed = "intake.rejected.unattributed"
    public static let referralCaseEvents = "referral.case-events"
    public static let referralStatusUpdates = "referral.status-updates"
    public static let agencyUpdatesRejected = "agency.updates.rejected"
    public static let escalationReferralEvents = "escalation.referral-events"
    public static let notificationRequests = "notification.requests"
    /// Replies the referral service asks intake to deliver to a requester's reply queue
    /// (`cluster.events`, `reply.#`): only intake may write to the default exchange.
    public static let intakeReplies = "intake.replies"

    /// The refusals of one SMS system's messages, read by that system and operators.
    public static func intakeRejected(account: String) -> String { "intake.rejected.\(account)" }

    /// The queue an agency consumes its referrals from.
    public static func referrals(agency: String) -> String { "referrals.\(agency)" }

    /// Where a consumed queue's messages go after the redelivery limit.
    public static func deadLetter(of queue: String) -> String { "\(queue).dead-letter" }
}

/// Message `type` property values (schema names).
public enum MessageType {
    // External, from the contract.
    public static let readmission = "readmission.v1"
    public static let consent = "consent.v1"
    public static let intakeOutcome = "intake-outcome.v1"
    public static let referral = "referral.v1"
    public static let referralStatus = "referral-status.v1"
    /// The referral service tells an agency its referral's deadline was extended or not.
    public static let referralUpdated = "referral-updated.v1"
    /// The answer to a `referral-status.v1` that carries `reply_to` (contract v1.1, item 7).
    public static let referralStatusOutcome = "referral-status-outcome.v1"

    // Internal events; the routing key on `cluster.events` equals the type's stem.
    public static let caseOpened = "case-opened.v1"
    public static let caseConsentReleased = "case-consent-released.v1"
    public static let referralEvent = "referral-event.v1"
    public static let notificationRequest = "notification-request.v1"
}

/// Routing keys on `cluster.events`.
public enum EventRoutingKey {
    public static let caseOpened = "case.opened"
    public static let caseConsentReleased = "case.consent-released"
    /// `referral.issued`, `referral.acknowledged`, … (see `ReferralEvent.Kind`).
    public static func referral(_ kind: ReferralEvent.Kind) -> String { "referral.\(kind.rawValue)" }
    /// `notification.escalation`, `notification.consent-hold`, `notification.operator`,
    /// `notification.extension-requested`.
    public static func notification(_ kind: NotificationRequest.Kind) -> String { "notification.\(kind.rawValue)" }
    /// A reply for intake to deliver (`reply.referral-status-outcome`): the message carries
    /// the requester's `reply_to` and `correlation_id`, and the reply's body.
    public static let statusOutcomeReply = "reply.referral-status-outcome"
    /// What `intake.replies` is bound with.
    public static let replies = "reply.#"
}

/// Headers the cluster sets on refused and dead-lettered messages.
public enum RejectionHeader {
    public static let reason = "x-rejection-reason"
    public static let detail = "x-rejection-detail"
    /// When the cluster refused the message (RFC 3339, UTC).
    public static let rejectedAt = "x-rejected-at"
    /// The refused message's `user_id`, which only its publisher may carry.
    public static let originalUserId = "x-original-user-id"
    /// On a replayed copy (`reintegrationctl rejected replay`): the refused message's id.
    public static let replayOf = "x-replay-of"
    /// On an operator's replay of an SMS system's record: that system's account name. Trusted
    /// only when the broker-validated `user_id` is an operator's.
    public static let onBehalfOf = "x-on-behalf-of"
    /// On a copy whose body was cut to its first 64 KiB: the original body's size in bytes.
    public static let originalSize = "x-original-size"
    /// On a copy without the original headers (too large to re-send): how many were dropped.
    public static let originalHeadersDropped = "x-original-headers-dropped"
}

/// Routing keys on `intake.rejected`.
public enum RejectionRoutingKey {
    /// A refusal whose sender is unknown (no `user_id`).
    public static let unattributed = "unattributed"
}

/// The contract's machine codes for refusals.
public enum RejectionReason: String, Sendable, CaseIterable {
    case invalidField = "invalid-field"
    case unknownSchema = "unknown-schema"
    case tooLarge = "too-large"
    case notJSON = "not-json"
    case missingMessageId = "missing-message-id"
    case conflict
    case unknownReference = "unknown-reference"
    case unknownReferral = "unknown-referral"
    case wrongAgency = "wrong-agency"
    case missingUserId = "missing-user-id"
    /// A record or consent update without `user_id` (contract v1.1).
    case missingSender = "missing-sender"
    /// A message about a record another SMS system registered (contract v1.1).
    case wrongSender = "wrong-sender"
    case invalidTransition = "invalid-transition"
    /// Processing kept failing until the redelivery limit (not the sender's fault).
    case processingFailed = "processing-failed"
}

/// The largest body the cluster accepts (the contract's 64 KiB).
public let maximumBodySize = 64 * 1024

/// Broker account names of the parties outside the cluster.
public enum AccountName {
    /// The account of an agency: `agency-<code>`, e.g. `agency-health`, `agency-local.binagadi`.
    public static func agency(_ code: String) -> String { "agency-\(code)" }

    /// The agency code an account name stands for, or nil when it is not an agency's.
    public static func agencyCode(fromUserId userId: String) -> String? {
        guard userId.hasPrefix("agency-"), userId.count > 7 else { return nil }
        return String(userId.dropFirst(7))
    }

    /// The account of an SMS registration system: `sms-<name>`.
    public static func sms(_ name: String) -> String { "sms-\(name)" }

    /// The account of an operator: `operator-<name>` (reads refusals, replays them).
    public static func `operator`(_ name: String) -> String { "operator-\(name)" }
}
