import Contract
import EscalationDomain
import EscalationOperations
import Foundation
import Postgres

extension EscalationStore {
    /// Records a `deadline-changed` event and moves the referral's `dueBy` to `dueBy` when
    /// it is later than the one kept (extensions only move deadlines later, so a
    /// redelivered or overtaken event changes nothing). Returns the referral's agency and
    /// its pending steps, locked until the transaction ends, or nil when nothing moved.
    func moveDeadline(
        of referralId: UUID, to dueBy: Date, event: ReferralEvent, on connection: PostgresConnection
    ) throws -> (agency: String, pendingSteps: [Int])? {
        try connection.execute(
            "INSERT INTO \(prefix).referral_events (referral_id, kind, at) VALUES ($1, $2, $3)",
            [.uuid(referralId), .text(event.kind.rawValue), .timestamp(event.at)])
        let moved = try connection.query("""
            UPDATE \(prefix).referrals SET due_by = $2, updated_at = now()
            WHERE referral_id = $1 AND (due_by IS NULL OR due_by < $2)
            RETURNING agency
            """, [.uuid(referralId), .timestamp(dueBy)])
        guard let agency: String = try moved.first?["agency"].decode() else { return nil }
        // A step the timer is firing right now is locked by it: this waits, then sees it fired.
        let pending = try connection.query("""
            SELECT step FROM \(prefix).ladder_steps WHERE referral_id = $1 AND state = 'pending' ORDER BY step FOR UPDATE
            """, [.uuid(referralId)]
        ).compactMap { row -> Int? in
            try row["step"].decode(Int.self)
        }
        return (agency, pending)
    }

    /// Gives pending steps their new moment and deadline and wakes the timers. Returns the
    /// steps changed (a step fired meanwhile is left as it is).
    func reschedule(_ steps: [RescheduledStep], of referralId: UUID, on connection: PostgresConnection) throws -> [Int] {
        var changed: [Int] = []
        for step in steps {
            let updated = try connection.execute("""
                UPDATE \(prefix).ladder_steps SET moment = $3, deadline = $4, planned_at = now()
                WHERE referral_id = $1 AND step = $2 AND state = 'pending'
                """, [.uuid(referralId), .int(Int64(step.step)), .timestamp(step.moment), .timestamp(step.deadline)])
            if updated == 1 { changed.append(step.step) }
        }
        if !changed.isEmpty {
            try connection.execute("SELECT pg_notify($1, '')", [.text(EscalationChannels.steps)])
        }
        return changed
    }
}
