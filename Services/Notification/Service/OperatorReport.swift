import AMQP
import Contract
import Foundation
import Messaging
import Postgres

/// Tells the operators, through the outbox and their own audience, about an alert that did
/// not reach its people: a delivery given up after its retries, or a request that found
/// nobody in the directory. Ids only, never personal data.
enum OperatorReport {
    /// Enqueues the report in the caller's transaction; `key` makes it once per cause.
    static func enqueue(
        about original: NotificationRequest, key: String, problem: NotificationRequest.OperatorProblem, at now: Date,
        outbox: Outbox, on connection: PostgresConnection
    ) throws {
        let report = NotificationRequest(
            kind: .operatorReport, deliveryKey: key, audiences: [.operators], agency: original.agency,
            caseId: original.caseId, referralId: original.referralId, step: original.step, problem: problem, requestedAt: now)
        try outbox.enqueue(
            OutgoingMessage(
                exchange: ExchangeName.clusterEvents, routingKey: EventRoutingKey.notification(.operatorReport),
                properties: .persistentJSON(messageId: report.deliveryKey, type: MessageType.notificationRequest),
                body: try ContractCoding.encode(report)),
            on: connection)
    }
}
