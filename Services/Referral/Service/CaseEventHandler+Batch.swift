import AMQP
import Contract
import Messaging
import Postgres

extension CaseEventHandler: BatchMessageHandler {
    /// A batch of `case-opened` events of distinct cases, none awaiting consent, is stored
    /// with one statement and its referrals recorded with another; any other batch (consent
    /// releases, held cases, a case twice) is applied event by event, in order, in the same
    /// transaction.
    func handle(batch deliveries: [Delivery], in connection: PostgresConnection) throws -> [HandlingOutcome] {
        guard deliveries.allSatisfy({ $0.properties.type == MessageType.caseOpened }) else {
            return try deliveries.map { try handle($0, in: connection) }
        }
        let events = try deliveries.map { try ContractCoding.decode(CaseOpened.self, from: $0.body) }
        guard events.allSatisfy({ !$0.awaitingConsent }), Set(events.map(\.caseId)).count == events.count else {
            return try deliveries.map { try handle($0, in: connection) }
        }
        let stored = try store.storeCases(Array(zip(events, deliveries.map(\.body))).map { (event: $0.0, body: $0.1) }, on: connection)
        try issueReferrals(for: events.filter { stored.contains($0.caseId) }, on: connection)
        return events.map { stored.contains($0.caseId) ? .applied : .duplicate }
    }
}
