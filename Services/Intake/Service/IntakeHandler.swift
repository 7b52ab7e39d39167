import AMQP
import Contract
import Foundation
import IntakeDomain
import Logging
import Messaging
import Metrics
import Postgres

/// Turns one message from `intake.readmissions` into a case, a consent change or a
/// reasoned refusal, with the events and replies that follow, in one transaction.
struct IntakeHandler: MessageHandler {
    let parser: IntakeParser
    let store: CaseStore
    let outbox: Outbox
    let logger: Logger
    var now: @Sendable () -> Date = { Date() }

    /// Thrown when another intake instance opened the case for the same reference in the
    /// meantime: the message is redelivered and then seen as a duplicate or a conflict.
    struct ConcurrentOpening: Error, CustomStringConvertible {
        var description: String { "another instance opened a case for the same smsReference; retrying" }
    }

    func handle(_ delivery: Delivery, in connection: PostgresConnection) throws -> HandlingOutcome {
        let sender = Self.sender(of: delivery)
        guard let messageId = delivery.properties.messageId, !messageId.isEmpty else {
            let refusal = IntakeRefusal(
                reason: .missingMessageId,
                problems: [FieldProblem(field: "message_id", problem: "is required: the message property message_id identifies each message")])
            return try refuse(delivery, refusal, sender: sender, on: connection)
        }
        guard let sender else {
            let refusal = IntakeRefusal(
                reason: .missingSender,
                problems: [FieldProblem(field: "user_id", problem: "is required: set the message property user_id to your broker account name")])
            return try refuse(delivery, refusal, on: connection)
        }
        switch parser.parse(body: delivery.body, now: now()) {
        case .refused(let refusal):
            return try refuse(delivery, refusal, sender: sender, on: connection)
        case .readmission(let record):
            return try open(record, sender: sender, delivery: delivery, messageId: messageId, on: connection)
        case .consent(let update):
            return try applyConsent(update, sender: sender, delivery: delivery, messageId: messageId, on: connection)
        }
    }

    /// Who sent the message: its broker-validated `user_id`, and the operator's account for a replay.
    static func sender(of delivery: Delivery) -> MessageSender? {
        MessageSender(userId: delivery.properties.userId, onBehalfOf: delivery.properties.headers[RejectionHeader.onBehalfOf]?.stringValue)
    }

    // MARK: Readmission records

    private func open(
        _ record: ValidatedReadmission, sender: MessageSender, delivery: Delivery, messageId: String, on connection: PostgresConnection
    ) throws -> HandlingOutcome {
        if let existing = try store.existingCase(smsReference: record.smsReference, on: connection) {
            // Another system must learn nothing of the case, not even its id.
            guard existing.registeredBy == sender.account else {
                return try refuseStranger(delivery, smsReference: record.smsReference, schema: MessageType.readmission, sender: sender, on: connection)
            }
            guard existing.canonicalContent == record.canonicalContent else {
                let refusal = IntakeRefusal(
                    reason: .conflict,
                    problems: [FieldProblem(field: "smsReference", problem: "was already registered with different content; a correction needs a new smsReference")],
                    smsReference: record.smsReference, schema: MessageType.readmission)
                return try refuse(delivery, refusal, sender: sender, on: connection)
            }
            try reply(to: delivery, IntakeOutcome(smsReference: record.smsReference, outcome: .duplicate, caseId: existing.caseId, errors: []), on: connection)
            logger.info("duplicate readmission record", metadata: ["caseId": "\(ContractID.text(existing.caseId))", "messageId": "\(messageId)"])
            count("duplicate")
            return .duplicate
        }

        let openedAt = now()
        let caseId = UUID()
        let personId = try store.person(personalId: record.person.personalId, on: connection)
        guard try store.openCase(
            id: caseId, personId: personId, record: record, sender: sender, messageId: messageId, rawRecord: delivery.body,
            openedAt: openedAt, on: connection)
        else { throw ConcurrentOpening() }

        return try announceOpening(
            caseId: caseId, personId: personId, record: record, sender: sender, delivery: delivery, messageId: messageId,
            openedAt: openedAt, on: connection)
    }

    /// Enqueues what follows an opened case (its event, the consent-hold request, the
    /// reply) and logs it once committed.
    func announceOpening(
        caseId: UUID, personId: UUID, record: ValidatedReadmission, sender: MessageSender, delivery: Delivery, messageId: String,
        openedAt: Date, on connection: PostgresConnection
    ) throws -> HandlingOutcome {
        let event = CaseOpened(
            caseId: caseId, personId: personId, smsReference: record.smsReference, readmittedAt: record.readmittedAt,
            openedAt: openedAt, person: record.person, family: record.family, needs: record.needs,
            awaitingConsent: !record.dataSharing)
        try outbox.enqueue(
            OutgoingMessage(
                exchange: ExchangeName.clusterEvents, routingKey: EventRoutingKey.caseOpened,
                properties: .persistentJSON(messageId: "case-opened:\(ContractID.text(caseId))", type: MessageType.caseOpened),
                body: try ContractCoding.encode(event)),
            on: connection)
        if !record.dataSharing {
            let request = NotificationRequest(
                kind: .consentHold, deliveryKey: "consent-hold:\(ContractID.text(caseId))", audiences: [.secretariat],
                caseId: caseId, personInitials: record.person.initials, requestedAt: openedAt)
            try outbox.enqueue(
                OutgoingMessage(
                    exchange: ExchangeName.clusterEvents, routingKey: EventRoutingKey.notification(.consentHold),
                    properties: .persistentJSON(messageId: "consent-hold:\(ContractID.text(caseId))", type: MessageType.notificationRequest),
                    body: try ContractCoding.encode(request)),
                on: connection)
        }
        try reply(to: delivery, IntakeOutcome(smsReference: record.smsReference, outcome: .accepted, caseId: caseId, errors: []), on: connection)
        // Logged once committed: a batch that is rolled back and handled again opens it under another id.
        connection.afterCommit { [logger] in
            logger.info("case opened", metadata: [
                "caseId": "\(ContractID.text(caseId))", "messageId": "\(messageId)", "awaitingConsent": "\(!record.dataSharing)", "sender": "\(sender)",
            ])
            count("accepted")
        }
        return .applied
    }

    // MARK: Consent updates

    private func applyConsent(
        _ update: ConsentUpdate, sender: MessageSender, delivery: Delivery, messageId: String, on connection: PostgresConnection
    ) throws -> HandlingOutcome {
        guard let existing = try store.existingCase(smsReference: update.smsReference, on: connection) else {
            let refusal = IntakeRefusal(
                reason: .unknownReference,
                problems: [FieldProblem(field: "smsReference", problem: "matches no registered readmission record")],
                smsReference: update.smsReference, schema: MessageType.consent)
            return try refuse(delivery, refusal, sender: sender, on: connection)
        }
        // Consent is valid only from the system that registered the record (contract v1.1, item 2).
        guard existing.registeredBy == sender.account else {
            return try refuseStranger(delivery, smsReference: update.smsReference, schema: MessageType.consent, sender: sender, on: connection)
        }
        try store.recordConsent(update, caseId: existing.caseId, sender: sender, messageId: messageId, on: connection)
        if update.dataSharing && existing.awaitingConsent {
            try store.releaseConsent(caseId: existing.caseId, recordedAt: update.recordedAt, on: connection)
            let event = CaseConsentReleased(caseId: existing.caseId, releasedAt: now())
            try outbox.enqueue(
                OutgoingMessage(
                    exchange: ExchangeName.clusterEvents, routingKey: EventRoutingKey.caseConsentReleased,
                    properties: .persistentJSON(messageId: "consent-released:\(ContractID.text(existing.caseId))", type: MessageType.caseConsentReleased),
                    body: try ContractCoding.encode(event)),
                on: connection)
            logger.info("consent given; referrals released", metadata: ["caseId": "\(ContractID.text(existing.caseId))", "messageId": "\(messageId)"])
        } else {
            logger.info("consent update recorded", metadata: [
                "caseId": "\(ContractID.text(existing.caseId))", "messageId": "\(messageId)", "dataSharing": "\(update.dataSharing)",
            ])
        }
        try reply(to: delivery, IntakeOutcome(smsReference: update.smsReference, outcome: .accepted, caseId: existing.caseId, errors: []), on: connection)
        count("consent")
        return .applied
    }

    // MARK: Refusals and replies

    /// A message about a record another system registered: `wrong-sender`, naming neither the
    /// case nor the registering system.
    private func refuseStranger(
        _ delivery: Delivery, smsReference: String, schema: String, sender: MessageSender, on connection: PostgresConnection
    ) throws -> HandlingOutcome {
        let refusal = IntakeRefusal(
            reason: .wrongSender,
            problems: [FieldProblem(
                field: "smsReference",
                problem: "was registered by another SMS system; only the registering system may send records or consent for it")],
            smsReference: smsReference, schema: schema)
        return try refuse(delivery, refusal, sender: sender, on: connection)
    }

    /// Records the refusal, sends the body to the sender's own rejected queue (exchange
    /// `intake.rejected`, routing key = its account) with the reason in its headers, and
    /// answers the sender when it asked for a reply.
    private func refuse(
        _ delivery: Delivery, _ refusal: IntakeRefusal, sender: MessageSender? = nil, on connection: PostgresConnection
    ) throws -> HandlingOutcome {
        try store.recordRefusal(
            refusal, messageId: delivery.properties.messageId, messageType: delivery.properties.type, sender: sender?.account,
            on: connection)
        try outbox.enqueue(
            .rejectedCopy(
                of: delivery, exchange: ExchangeName.intakeRejected,
                routingKey: sender?.account ?? RejectionRoutingKey.unattributed,
                reason: refusal.reason, detail: refusal.detail),
            on: connection)
        try reply(to: delivery, IntakeOutcome(
            smsReference: refusal.smsReference, outcome: .rejected, caseId: nil, reason: refusal.reason.rawValue, errors: refusal.problems),
            on: connection)
        logger.info("message refused", metadata: [
            "messageId": "\(delivery.properties.messageId ?? "-")", "reason": "\(refusal.reason.rawValue)",
            "problems": "\(refusal.problems.count)", "sender": "\(sender?.description ?? "-")",
        ])
        count("refused", reason: refusal.reason.rawValue)
        return .refused(reason: refusal.reason.rawValue)
    }

    /// Answers on the default exchange, but only to a queue of the requester's own
    /// connection: any other `reply_to` could write into someone else's queue.
    private func reply(to delivery: Delivery, _ outcome: IntakeOutcome, on connection: PostgresConnection) throws {
        guard let replyTo = delivery.properties.replyTo, !replyTo.isEmpty else { return }
        guard ReplyQueue.isAnswerable(replyTo) else {
            logger.warning("reply_to is not a reply queue; no reply sent", metadata: [
                "messageId": "\(delivery.properties.messageId ?? "-")", "caseId": "\(outcome.caseId.map { "\($0)" } ?? "-")",
            ])
            Counter(label: "intake_replies_refused_total").increment()
            return
        }
        var properties = MessageProperties.persistentJSON(messageId: "outcome:\(UUID().uuidString.lowercased())", type: MessageType.intakeOutcome)
        properties.correlationId = delivery.properties.correlationId
        try outbox.enqueue(
            OutgoingMessage(exchange: ExchangeName.defaultExchange, routingKey: replyTo, properties: properties, body: try ContractCoding.encode(outcome)),
            dropIfUnroutable: true, on: connection)
    }

    private func count(_ outcome: String, reason: String = "") {
        Counter(label: "intake_records_total", dimensions: [("outcome", outcome), ("reason", reason)]).increment()
    }
}
