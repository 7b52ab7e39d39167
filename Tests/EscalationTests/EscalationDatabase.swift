import Contract
@testable import Escalation
import EscalationDomain
import Foundation
import Logging
import Messaging
import Postgres
import TestSupport
import WorkingCalendar

/// A throwaway escalation schema on the real test database, migrated with the service's
/// own migrations, with the handler and timers of the service wired to it.
struct EscalationDatabase {
    static let logger = Logger(label: "escalation-tests") { _ in SwiftLogNoOpLogHandler() }

    /// A drill ladder in plain seconds: step 1 at `acknowledgeBy`, step 2 one second before
    /// `dueBy`, step 3 at `dueBy`, step 4 one second after it.
    static let drillPolicy = EscalationPolicy(steps: [
        LadderStep(
            step: 1, anchor: .acknowledgeBy, offset: .seconds(0), audiences: [.focalPoints],
            cancelledBy: [.acknowledged, .inProgress, .completed, .declined]),
        LadderStep(step: 2, anchor: .dueBy, offset: .seconds(-1), audiences: [.focalPoints]),
        LadderStep(step: 3, anchor: .dueBy, offset: .seconds(0), audiences: [.workingGroupMembers]),
        LadderStep(step: 4, anchor: .dueBy, offset: .seconds(1), audiences: [.chair, .secretariat]),
    ])

    /// The drill ladder with step 2 four seconds before `dueBy`: room for a test to answer
    /// between steps 2 and 3 on a loaded machine.
    static let spacedDrillPolicy = EscalationPolicy(steps: drillPolicy.steps.map { step in
        var step = step
        if step.step == 2 { step.offset = .seconds(-4) }
        return step
    })

    let schema: String
    let configuration: PostgresConfiguration
    let pool: PostgresPool
    let store: EscalationStore
    let handler: ReferralEventHandler

    static func make(policy: EscalationPolicy = drillPolicy) async throws -> EscalationDatabase {
        let schema = TestEnvironment.uniqueName("esc")
        var configuration = try PostgresConfiguration(url: TestEnvironment.databaseURL())
        configuration.applicationName = "escalation-tests"
        let pool = PostgresPool(configuration: configuration, size: 4, logger: logger)
        let migrations = [MessagingMigration.version1] + EscalationMigrations.all
        _ = try await Migrator(schema: schema, migrations: migrations, logger: logger).migrate(pool)
        let store = EscalationStore(schema: schema)
        return EscalationDatabase(
            schema: schema, configuration: configuration, pool: pool, store: store,
            handler: ReferralEventHandler(store: store, policy: policy, calendar: WorkingCalendar(), logger: logger))
    }

    /// Runs `body` on a fresh database, dropped afterwards whatever happens.
    static func with(policy: EscalationPolicy = drillPolicy, _ body: (EscalationDatabase) async throws -> Void) async throws {
        let database = try await make(policy: policy)
        do {
            try await body(database)
        } catch {
            await database.drop()
            throw error
        }
        await database.drop()
    }

    /// Drops the schema and closes the pool.
    func drop() async {
        _ = try? await pool.withConnection { connection in
            try connection.execute("DROP SCHEMA \(PostgresIdentifier.quoted(schema)) CASCADE")
        }
        await pool.shutdown()
    }

    private var prefix: String { PostgresIdentifier.quoted(schema) }

    /// Handles events as the consumer would, all in one transaction.
    @discardableResult
    func send(_ events: ReferralEvent...) async throws -> [HandlingOutcome] {
        try await send(events)
    }

    @discardableResult
    func send(_ events: [ReferralEvent]) async throws -> [HandlingOutcome] {
        let handler = handler
        return try await pool.withTransaction { connection in
            try events.map { try handler.apply($0, on: connection) }
        }
    }

    /// A timer on this schema with its own pool, as a separate instance would have.
    func timer() -> (LadderTimer, PostgresPool) {
        let timerPool = PostgresPool(configuration: configuration, size: 2, logger: Self.logger)
        let timer = LadderTimer(
            store: store, outbox: Outbox(schema: schema), pool: timerPool, listenerConfiguration: configuration,
            logger: Self.logger)
        return (timer, timerPool)
    }

    /// Runs `count` timers while `body` runs, then stops them.
    func withTimers<T>(_ count: Int = 1, _ body: () async throws -> T) async throws -> T {
        let timers = (0..<count).map { _ in timer() }
        let tasks = timers.map { timer, _ in Task { try await timer.run() } }
        func stop() async {
            for task in tasks { task.cancel() }
            for task in tasks { _ = try? await task.value }
            for (_, timerPool) in timers { await timerPool.shutdown() }
        }
        do {
            let result = try await body()
            await stop()
            return result
        } catch {
            await stop()
            throw error
        }
    }

    /// A stored ladder step's state.
    struct StepState: Equatable {
        var step: Int
        var state: String
        var cancelReason: String?
    }

    func steps(of referralId: UUID) async throws -> [StepState] {
        let sql = "SELECT step, state, cancel_reason FROM \(prefix).ladder_steps WHERE referral_id = $1 ORDER BY step"
        return try await pool.withConnection { connection in
            try connection.query(sql, [.uuid(referralId)]).map { row in
                StepState(step: try row["step"].decode(), state: try row["state"].decode(), cancelReason: try row["cancel_reason"].decodeIfPresent())
            }
        }
    }

    /// A recorded escalation event.
    struct EscalationEvent {
        var referralId: UUID
        var step: Int
        var audiences: String
        var plannedMoment: Date
        var firedAt: Date
        var late: Bool
        /// The recorded delay, and fired_at - planned_moment as the database computes it.
        var delaySeconds: Double
        var firedMinusPlanned: Double
    }

    func escalationEvents() async throws -> [EscalationEvent] {
        let sql = """
            SELECT referral_id, step, array_to_string(audiences, ',') AS audiences, planned_moment, fired_at, late,
                   EXTRACT(EPOCH FROM delay)::float8 AS delay_seconds,
                   EXTRACT(EPOCH FROM fired_at - planned_moment)::float8 AS fired_minus_planned
            FROM \(prefix).escalation_events ORDER BY id
            """
        return try await pool.withConnection { connection in
            try connection.query(sql).map { row in
                EscalationEvent(
                    referralId: try row["referral_id"].decode(), step: try row["step"].decode(),
                    audiences: try row["audiences"].decode(), plannedMoment: try row["planned_moment"].decode(),
                    firedAt: try row["fired_at"].decode(), late: try row["late"].decode(),
                    delaySeconds: try row["delay_seconds"].decode(), firedMinusPlanned: try row["fired_minus_planned"].decode())
            }
        }
    }

    func escalationEventCount() async throws -> Int {
        let sql = "SELECT count(*) FROM \(prefix).escalation_events"
        return try await pool.withConnection { connection in try connection.query(sql)[0][0].decode(Int.self) }
    }

    /// An alert as enqueued in the outbox.
    struct Alert {
        var exchange: String
        var routingKey: String
        var messageId: String
        var messageType: String?
        var request: NotificationRequest
    }

    func alerts() async throws -> [Alert] {
        let sql = "SELECT exchange, routing_key, message_id, message_type, body FROM \(prefix).outbox ORDER BY id"
        return try await pool.withConnection { connection in
            try connection.query(sql).map { row in
                Alert(
                    exchange: try row["exchange"].decode(), routingKey: try row["routing_key"].decode(),
                    messageId: try row["message_id"].decode(), messageType: try row["message_type"].decodeIfPresent(),
                    request: try ContractCoding.decode(NotificationRequest.self, from: try row["body"].decode()))
            }
        }
    }

    /// Polls until `count` escalation events are recorded or `seconds` pass; returns the count.
    func waitForEscalationEvents(_ count: Int, within seconds: Double) async throws -> Int {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        var current = try await escalationEventCount()
        while current < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            current = try await escalationEventCount()
        }
        return current
    }

    /// A referral's status as the escalation service last recorded it.
    func referralStatus(_ referralId: UUID) async throws -> String? {
        let sql = "SELECT status FROM \(prefix).referrals WHERE referral_id = $1"
        return try await pool.withConnection { connection in
            try connection.query(sql, [.uuid(referralId)]).first?["status"].decode(String.self)
        }
    }
}

/// An answer from the agency on an issued referral.
func answer(_ kind: ReferralEvent.Kind, to issued: ReferralEvent, at: Date = Date()) -> ReferralEvent {
    ReferralEvent(kind: kind, referralId: issued.referralId, caseId: issued.caseId, agency: issued.agency, at: at)
}
