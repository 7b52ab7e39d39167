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
        try issueReferrals(for: [event], on: connection)
    }

    /// Issues the referrals of the stored, released cases `events`: composed case by case,
    /// recorded with one statement, each with its message to the agency and its `issued`
    /// event through the outbox.
    func issueReferrals(for events: [CaseOpened], on connection: PostgresConnection) throws {
        let composer = ReferralComposer(policy: policy, calendar: calendar)
        let router = Router(policy: policy, calendar: calendar)
        let issuedAt = now()
        var composed: [(event: CaseOpened, message: ReferralMessage)] = []
        for event in events {
            for planned in router.plan(for: event) {
                composed.append((event, try composer.compose(referralId: UUID(), for: event, referral: planned, issuedAt: issuedAt)))
            }
        }
        let recorded = try store.insertReferrals(composed.map(\.message), on: connection)
        var issued: [UUID: [(referralId: UUID, agency: String)]] = [:]
        for (event, message) in composed where recorded.contains(message.referralId) {
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
            issued[event.caseId, default: []].append((message.referralId, message.agency))
        }
        // Logged once committed, one line per case: a batch that is rolled back and handled
        // again issues them under other ids.
        guard !issued.isEmpty else { return }
        let cases = events.map(\.caseId).filter { issued[$0] != nil }
        connection.afterCommit { [logger, issued] in
            for caseId in cases {
                let referrals = issued[caseId] ?? []
                for (referralId, agency) in referrals {
                    Counter(label: "referrals_issued_total", dimensions: [("agency", agency)]).increment()
                    logger.debug("referral issued", metadata: [
                        "caseId": "\(ContractID.text(caseId))", "referralId": "\(ContractID.text(referralId))", "agency": "\(agency)",
                    ])
                }
                logger.info("referrals issued", metadata: [
                    "caseId": "\(ContractID.text(caseId))", "referralIds": "\(referrals.map { ContractID.text($0.referralId) })",
                    "agencies": "\(referrals.map(\.agency))",
                ])
            }
        }
    }
}
