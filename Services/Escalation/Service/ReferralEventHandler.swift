import AMQP
import Contract
import Logging
import Messaging
import Postgres

/// Records each referral event and keeps the referral's current state and deadlines.
struct ReferralEventHandler: MessageHandler {
    let schema: String
    let logger: Logger

    func handle(_ delivery: Delivery, in connection: PostgresConnection) throws -> HandlingOutcome {
        let event = try ContractCoding.decode(ReferralEvent.self, from: delivery.body)
        let table = PostgresIdentifier.quoted(schema)
        try connection.execute(
            "INSERT INTO \(table).referral_events (referral_id, kind, at) VALUES ($1, $2, $3)",
            [.uuid(event.referralId), .text(event.kind.rawValue), .timestamp(event.at)])
        try connection.execute("""
            INSERT INTO \(table).referrals
                (referral_id, case_id, agency, status, issued_at, acknowledge_by, due_by, person_initials)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (referral_id) DO UPDATE SET
                status = EXCLUDED.status,
                issued_at = COALESCE(EXCLUDED.issued_at, \(table).referrals.issued_at),
                acknowledge_by = COALESCE(EXCLUDED.acknowledge_by, \(table).referrals.acknowledge_by),
                due_by = COALESCE(EXCLUDED.due_by, \(table).referrals.due_by),
                person_initials = COALESCE(EXCLUDED.person_initials, \(table).referrals.person_initials),
                updated_at = now()
            """, [
                .uuid(event.referralId), .uuid(event.caseId), .text(event.agency), .text(event.kind.rawValue),
                event.issuedAt.map(PostgresValue.timestamp) ?? .null, event.acknowledgeBy.map(PostgresValue.timestamp) ?? .null,
                event.dueBy.map(PostgresValue.timestamp) ?? .null, PostgresValue(event.personInitials),
            ])
        logger.info("referral event recorded", metadata: [
            "referralId": "\(event.referralId)", "caseId": "\(event.caseId)", "kind": "\(event.kind.rawValue)",
        ])
        return .applied
    }
}
