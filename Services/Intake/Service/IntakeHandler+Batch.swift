import AMQP
import Foundation
import IntakeDomain
import Messaging
import Postgres

extension IntakeHandler: BatchMessageHandler {
    /// A batch of new readmission records opens its cases with three statements: the
    /// references looked up, the people upserted, the cases inserted. Any other batch (a
    /// consent update, a refusal, a known or repeated reference) is handled message by
    /// message, in order, in the same transaction.
    func handle(batch deliveries: [Delivery], in connection: PostgresConnection) throws -> [HandlingOutcome] {
        guard let records = newReadmissions(deliveries),
              try store.existingReferences(records.map(\.record.smsReference), on: connection).isEmpty
        else {
            return try deliveries.map { try handle($0, in: connection) }
        }
        let openedAt = now()
        let caseIds = records.map { _ in UUID() }
        let personIds = try store.people(personalIds: records.map(\.record.person.personalId), on: connection)
        let opened = try store.openCases(
            records.indices.map { index in
                CaseStore.NewCase(
                    id: caseIds[index], personId: personIds[index], record: records[index].record, sender: records[index].sender,
                    messageId: records[index].messageId, rawRecord: records[index].delivery.body)
            },
            openedAt: openedAt, on: connection)
        // Another instance opened one of them meanwhile: message by message sorts it out.
        guard opened == records.count else { throw ConcurrentOpening() }
        return try records.indices.map { index in
            try announceOpening(
                caseId: caseIds[index], personId: personIds[index], record: records[index].record, sender: records[index].sender,
                delivery: records[index].delivery, messageId: records[index].messageId, openedAt: openedAt, on: connection)
        }
    }

    private struct NewReadmission {
        var delivery: Delivery
        var record: ValidatedReadmission
        var sender: MessageSender
        var messageId: String
    }

    /// The batch as valid readmission records with distinct references, or nil when any
    /// message is something else.
    private func newReadmissions(_ deliveries: [Delivery]) -> [NewReadmission]? {
        var records: [NewReadmission] = []
        var references = Set<String>()
        let now = now()
        for delivery in deliveries {
            guard let messageId = delivery.properties.messageId, !messageId.isEmpty,
                  let sender = Self.sender(of: delivery),
                  case .readmission(let record) = parser.parse(body: delivery.body, now: now),
                  references.insert(record.smsReference).inserted
            else { return nil }
            records.append(NewReadmission(delivery: delivery, record: record, sender: sender, messageId: messageId))
        }
        return records
    }
}
