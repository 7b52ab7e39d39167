import AMQP
import Contract
import Foundation
import Logging
import Messaging
import NotificationDomain
import Postgres

/// Records each alert request once per delivery key and plans its deliveries: one per
/// active person and channel the audiences resolve to. A repeated request adds nothing; a
/// request that reaches nobody is reported to the operators.
struct NotificationRequestHandler: MessageHandler {
    let schema: String
    let store: DeliveryStore
    /// When set, reminders (escalation steps 1 and 2) are held to working hours.
    let workingHours: WorkingHours?
    let logger: Logger
    var now: @Sendable () -> Date = { Date() }

    init(schema: String, workingHours: WorkingHours?, logger: Logger) {
        self.schema = schema
        self.store = DeliveryStore(schema: schema)
        self.workingHours = workingHours
        self.logger = logger
    }

    func handle(_ delivery: Delivery, in connection: PostgresConnection) throws -> HandlingOutcome {
        try record(body: delivery.body, on: connection)
    }

    /// Records the request in `body` and plans its deliveries (inside the caller's transaction).
    func record(body: [UInt8], on connection: PostgresConnection) throws -> HandlingOutcome {
        let request = try ContractCoding.decode(NotificationRequest.self, from: body)
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
                .json(String(decoding: body, as: UTF8.self)),
            ])
        let metadata: Logger.Metadata = [
            "deliveryKey": "\(request.deliveryKey)", "caseId": "\(request.caseId.map(ContractID.text) ?? "-")",
            "referralId": "\(request.referralId.map(ContractID.text) ?? "-")", "kind": "\(request.kind.rawValue)",
        ]
        guard inserted == 1 else {
            logger.info("alert request already recorded", metadata: metadata)
            return .duplicate
        }
        let targets = AudienceResolver.targets(for: request, in: try store.directory(for: request, on: connection))
        let created = try store.createDeliveries(key: request.deliveryKey, targets: targets, dueAt: dueAt(for: request), on: connection)
        if targets.isEmpty {
            logger.warning("alert request reaches nobody: no active recipient for its audiences", metadata: metadata)
            // Nobody was told: the operators are, once per request (never about their own reports).
            if request.kind != .operatorReport {
                try OperatorReport.enqueue(
                    about: request, key: "operator-report:no-recipient:\(request.deliveryKey)", problem: .noRecipient,
                    at: now(), outbox: Outbox(schema: schema), on: connection)
            }
        }
        logger.info("alert request recorded", metadata: metadata.merging(["deliveries": "\(created)"]) { $1 })
        return .applied
    }

    /// Reminders wait for working hours when configured; escalation alerts go at once.
    private func dueAt(for request: NotificationRequest) -> Date {
        let current = now()
        guard let workingHours, request.kind == .escalation, let step = request.step, step <= 2 else { return current }
        return workingHours.nextAllowedInstant(atOrAfter: current)
    }
}
