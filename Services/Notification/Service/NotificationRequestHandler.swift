import AMQP
import Contract
import Foundation
import Logging
import Messaging
import Postgres

/// Records each alert request once per delivery key (a repeated request adds nothing).
struct NotificationRequestHandler: MessageHandler {
    let schema: String
    let logger: Logger

    func handle(_ delivery: Delivery, in connection: PostgresConnection) throws -> HandlingOutcome {
        let request = try ContractCoding.decode(NotificationRequest.self, from: delivery.body)
        let inserted = try connection.execute("""
            INSERT INTO \(PostgresIdentifier.quoted(schema)).requests
                (delivery_key, kind, audiences, agency, case_id, referral_id, step, request)
            VALUES ($1, $2, $3::text[], $4, $5, $6, $7, $8::jsonb)
            ON CONFLICT (delivery_key) DO NOTHING
            """, [
                .text(request.deliveryKey), .text(request.kind.rawValue),
                .text("{" + request.audiences.map(\.rawValue).joined(separator: ",") + "}"), PostgresValue(request.agency),
                request.caseId.map(PostgresValue.uuid) ?? .null, request.referralId.map(PostgresValue.uuid) ?? .null,
                request.step.map { PostgresValue.int(Int64($0)) } ?? .null,
                .json(String(decoding: delivery.body, as: UTF8.self)),
            ])
        logger.info("alert request recorded", metadata: [
            "deliveryKey": "\(request.deliveryKey)", "caseId": "\(request.caseId?.uuidString ?? "-")",
            "referralId": "\(request.referralId?.uuidString ?? "-")", "kind": "\(request.kind.rawValue)",
        ])
        return inserted == 1 ? .applied : .duplicate
    }
}
