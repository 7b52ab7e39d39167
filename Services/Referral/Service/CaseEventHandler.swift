import AMQP
import Contract
import Foundation
import Logging
import Messaging
import Metrics
import Postgres
import ReferralDomain
import WorkingCalendar

/// Turns `case-opened` and `case-consent-released` events into referrals: one per
/// competent body, with deadlines, carrying only the fields that body may see.
struct CaseEventHandler: MessageHandler {
    let policy: ReferralPolicy
    let calendar: WorkingCalendar
    let store: ReferralStore
    let outbox: Outbox
    let logger: Logger
    var now: @Sendable () -> Date = { Date() }

    struct UnknownEvent: Error, CustomStringConvertible {
        var type: String
        var description: String { "unknown case event type \(type)" }
    }

    func handle(_ delivery: Delivery, in connection: PostgresConnection) throws -> HandlingOutcome {
        switch delivery.properties.type {
        case MessageType.caseOpened:
            let event = try ContractCoding.decode(CaseOpened.self, from: delivery.body)
            guard try store.storeCase(event, body: delivery.body, on: connection) else { return .duplicate }
            if event.awaitingConsent {
                guard try store.takeEarlyRelease(event.caseId, on: connection), let held = try store.releaseCase(event.caseId, on: connection) else {
                    logger.info("case held awaiting consent; no referral issued", metadata: ["caseId": "\(ContractID.text(event.caseId))"])
                    return .applied
                }
                logger.info("consent was released before the case arrived; issuing referrals", metadata: ["caseId": "\(ContractID.text(event.caseId))"])
                try issueReferrals(for: held, on: connection)
                return .applied
            }
            try issueReferrals(for: event, on: connection)
            return .applied
        case MessageType.caseConsentReleased:
            let event = try ContractCoding.decode(CaseConsentReleased.self, from: delivery.body)
            guard let held = try store.releaseCase(event.caseId, on: connection) else {
                guard try store.caseExists(event.caseId, on: connection) else {
                    // Its case-opened event is still on the way (a redelivery reordered them).
                    try store.recordEarlyRelease(event.caseId, on: connection)
                    logger.info("consent release before its case; kept until the case arrives", metadata: ["caseId": "\(ContractID.text(event.caseId))"])
                    return .applied
                }
                logger.info("consent release for a case not held; nothing to issue", metadata: ["caseId": "\(ContractID.text(event.caseId))"])
                return .duplicate
            }
            try issueReferrals(for: held, on: connection)
            return .applied
        default:
            throw UnknownEvent(type: delivery.properties.type ?? "-")
        }
    }

    private func issueReferrals(for event: CaseOpened, on connection: PostgresConnection) throws {
        let composer = ReferralComposer(policy: policy, calendar: calendar)
        let issuedAt = now()
        var issued: [(referralId: UUID, agency: String)] = []
        for planned in Router(policy: policy, calendar: calendar).plan(for: event) {
            let message = try composer.compose(referralId: UUID(), for: event, referral: planned, issuedAt: issuedAt)
            guard try store.insertReferral(message, on: connection) else { continue }
            try outbox.enqueue(
                OutgoingMessage(
                    exchange: ExchangeName.referrals, routingKey: message.agency,
                    properties: .persistentJSON(messageId: "referral:\(ContractID.text(message.referralId))", type: MessageType.referral),
                    body: try ContractCoding.encode(message)),
                on: connection)
            let issuedEvent = ReferralEvent(
                kind: .issued, referralId: message.referralId, caseId: event.caseId, agency: message.agency, at: issuedAt,
                issuedAt: issuedAt, acknowledgeBy: message.acknowledgeBy, dueBy: message.dueBy, personInitials: event.person.initials)
            try outbox.enqueue(
                OutgoingMessage(
                    exchange: ExchangeName.clusterEvents, routingKey: EventRoutingKey.referral(.issued),
                    properties: .persistentJSON(messageId: "referral-issued:\(ContractID.text(message.referralId))", type: MessageType.referralEvent),
                    body: try ContractCoding.encode(issuedEvent)),
                on: connection)
            issued.append((message.referralId, message.agency))
        }
        // Logged once committed, one line per case: a batch that is rolled back and handled
        // again issues them under other ids.
        guard !issued.isEmpty else { return }
        connection.afterCommit { [logger, issued] in
            for (referralId, agency) in issued {
                Counter(label: "referrals_issued_total", dimensions: [("agency", agency)]).increment()
                logger.debug("referral issued", metadata: [
                    "caseId": "\(ContractID.text(event.caseId))", "referralId": "\(ContractID.text(referralId))", "agency": "\(agency)",
                ])
            }
            logger.info("referrals issued", metadata: [
                "caseId": "\(ContractID.text(event.caseId))", "referralIds": "\(issued.map { ContractID.text($0.referralId) })",
                "agencies": "\(issued.map(\.agency))",
            ])
        }
    }
}
