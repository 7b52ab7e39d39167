import Contract
@testable import Escalation
import EscalationDomain
import Foundation
import Messaging
import Postgres
import Testing
import WorkingCalendar

@Suite("Ladder planned again when a deadline extension is approved")
struct DeadlineExtensionTests {
    @Test("the default ladder: only pending steps anchored on dueBy move, by their working-day offsets")
    func replanDefaultLadder() {
        // Extended to Friday 26 June 2026, 23:59:59 in Baku.
        let dueBy = instant("2026-06-26T23:59:59+04:00")
        let steps = LadderPlanner.replan(pendingSteps: [1, 2, 3, 4], agency: "health", dueBy: dueBy, policy: .default, calendar: WorkingCalendar())
        #expect(steps.map(\.step) == [2, 3, 4], "step 1 counts from acknowledgeBy, which does not move")
        #expect(steps.allSatisfy { $0.deadline == dueBy })
        #expect(steps.map(\.moment) == [
            instant("2026-06-25T23:59:59+04:00"), dueBy.addingTimeInterval(1), instant("2026-07-03T23:59:59+04:00"),
        ])
        // Steps no longer pending (fired or cancelled) keep their plan.
        #expect(LadderPlanner.replan(pendingSteps: [4], agency: "health", dueBy: dueBy, policy: .default, calendar: WorkingCalendar()).map(\.step) == [4])
    }

    /// Steps 1–3 fire at once (both deadlines passed); step 4 waits an hour after dueBy.
    static let policy = EscalationPolicy(steps: [
        LadderStep(step: 1, anchor: .acknowledgeBy, offset: .seconds(0), audiences: [.focalPoints], cancelledBy: [.acknowledged, .completed, .declined]),
        LadderStep(step: 2, anchor: .dueBy, offset: .seconds(-1), audiences: [.focalPoints]),
        LadderStep(step: 3, anchor: .dueBy, offset: .seconds(0), audiences: [.workingGroupMembers]),
        LadderStep(step: 4, anchor: .dueBy, offset: .seconds(3600), audiences: [.chair, .secretariat]),
    ])

    struct PlannedRow: Equatable {
        var step: Int
        var state: String
        var moment: Date
        var deadline: Date
    }

    func rows(of referralId: UUID, in database: EscalationDatabase) async throws -> [PlannedRow] {
        let sql = "SELECT step, state, moment, deadline FROM \(PostgresIdentifier.quoted(database.schema)).ladder_steps WHERE referral_id = $1 ORDER BY step"
        return try await database.pool.withConnection { connection in
            try connection.query(sql, [.uuid(referralId)]).map { row in
                PlannedRow(step: try row["step"].decode(), state: try row["state"].decode(), moment: try row["moment"].decode(), deadline: try row["deadline"].decode())
            }
        }
    }

    @Test("fired steps stay fired; the pending one moves, once, with two instances handling the same event")
    func twoInstancesReplanOnce() async throws {
        try await EscalationDatabase.with(policy: Self.policy) { database in
            let now = Date()
            let issued = issuedEvent(issuedAt: now.addingTimeInterval(-60), acknowledgeBy: now.addingTimeInterval(-20), dueBy: now.addingTimeInterval(-10))
            try await database.withTimers { () async throws in
                #expect(try await database.send(issued) == [.applied])
                #expect(try await database.waitForEscalationEvents(3, within: 60) == 3)
            }
            let before = try await rows(of: issued.referralId, in: database)
            #expect(before.map(\.state) == ["fired", "fired", "fired", "pending"])

            let extended = now.addingTimeInterval(86_400)
            let changed = ReferralEvent(
                kind: .deadlineChanged, referralId: issued.referralId, caseId: issued.caseId, agency: issued.agency, at: now, dueBy: extended)
            let messageId = "referral-deadline-changed:extension-1"
            // Two instances, each with its own pool, take the same message (a redelivery after a
            // lost ack): the inbox lets one apply it.
            let handler = database.handler
            let schema = database.schema
            let outcomes = try await withThrowingTaskGroup(of: HandlingOutcome.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        let pool = PostgresPool(configuration: database.configuration, size: 1, logger: EscalationDatabase.logger)
                        do {
                            let outcome = try await pool.withTransaction { connection -> HandlingOutcome in
                                guard try Inbox(schema: schema).recordFirstReceipt(
                                    consumer: QueueName.escalationReferralEvents, messageId: messageId, on: connection)
                                else { return .duplicate }
                                return try handler.apply(changed, on: connection)
                            }
                            await pool.shutdown()
                            return outcome
                        } catch {
                            await pool.shutdown()
                            throw error
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == .applied }.count == 1)
            #expect(outcomes.filter { $0 == .duplicate }.count == 1)

            let after = try await rows(of: issued.referralId, in: database)
            #expect(Array(after.prefix(3)) == Array(before.prefix(3)), "fired steps keep their moment and deadline")
            let step4 = try #require(after.last)
            #expect(step4.state == "pending")
            #expect(abs(step4.deadline.timeIntervalSince(extended)) < 0.001)
            #expect(abs(step4.moment.timeIntervalSince(extended.addingTimeInterval(3600))) < 0.001)

            // The same change under another message id (published twice) changes nothing more;
            // the tracked referral carries the new deadline.
            #expect(try await database.send(changed) == [.duplicate])
            let counts = try await database.pool.withConnection { connection in
                (
                    try connection.query(
                        "SELECT count(*) FROM \(PostgresIdentifier.quoted(schema)).referral_events WHERE kind = 'deadline-changed'")[0][0].decode(Int.self),
                    try connection.query(
                        "SELECT due_by FROM \(PostgresIdentifier.quoted(schema)).referrals WHERE referral_id = $1", [.uuid(issued.referralId)])[0][0].decode(Date.self)
                )
            }
            #expect(counts.0 == 2, "every delivery that got past the inbox is recorded")
            #expect(abs(counts.1.timeIntervalSince(extended)) < 0.001)
        }
    }

    @Test("a step fired after the move shows the new deadline in its alert")
    func alertShowsNewDeadline() async throws {
        // Step 4 fires a second after dueBy: move dueBy to just past now, and it fires with it.
        let quick = EscalationPolicy(steps: Self.policy.steps.map { step in
            var step = step
            if step.step == 4 { step.offset = .seconds(1) }
            return step
        })
        try await EscalationDatabase.with(policy: quick) { database in
            let now = Date()
            let issued = issuedEvent(issuedAt: now, acknowledgeBy: now.addingTimeInterval(3600), dueBy: now.addingTimeInterval(7200))
            #expect(try await database.send(issued) == [.applied])
            let extended = now.addingTimeInterval(7300)
            let changed = ReferralEvent(
                kind: .deadlineChanged, referralId: issued.referralId, caseId: issued.caseId, agency: issued.agency, at: now, dueBy: extended)
            #expect(try await database.send(changed) == [.applied])
            let rows = try await rows(of: issued.referralId, in: database)
            #expect(rows.map(\.state) == ["pending", "pending", "pending", "pending"])
            #expect(abs(rows[0].deadline.timeIntervalSince(issued.acknowledgeBy!)) < 0.001, "step 1 keeps acknowledgeBy")
            for row in rows.dropFirst() { #expect(abs(row.deadline.timeIntervalSince(extended)) < 0.001, "step \(row.step)") }
            // Fire step 4 by hand through the store, as the timer does, by bringing its moment to now.
            try await database.pool.withTransaction { connection in
                try connection.execute(
                    "UPDATE \(PostgresIdentifier.quoted(database.schema)).ladder_steps SET moment = now() - interval '1 second' WHERE referral_id = $1 AND step = 4",
                    [.uuid(issued.referralId)])
            }
            try await database.withTimers { () async throws in
                #expect(try await database.waitForEscalationEvents(1, within: 60) == 1)
            }
            let alert = try #require(try await database.alerts().first)
            #expect(alert.request.step == 4)
            #expect(abs((alert.request.deadline ?? .distantPast).timeIntervalSince(extended)) < 0.001)
        }
    }
}
