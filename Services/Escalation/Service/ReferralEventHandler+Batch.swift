import AMQP
import Contract
import EscalationDomain
import Foundation
import Messaging
import Metrics
import Postgres

extension ReferralEventHandler: BatchMessageHandler {
    /// A batch of `issued` events of distinct referrals is recorded with one statement and
    /// its ladders stored with another; any other batch is applied event by event, in
    /// order, in the same transaction.
    func handle(batch deliveries: [Delivery], in connection: PostgresConnection) throws -> [HandlingOutcome] {
        let events = try deliveries.map { try ContractCoding.decode(ReferralEvent.self, from: $0.body) }
        guard events.allSatisfy({ $0.kind == .issued }), Set(events.map(\.referralId)).count == events.count else {
            return try events.map { try apply($0, on: connection) }
        }
        let firstEvents = try store.record(events, on: connection)
        let plans = try events.map { try LadderPlanner.plan(issued: $0, policy: policy, calendar: calendar) }
        let planned = Set(try store.storeLadders(Array(zip(events, plans)), on: connection))
        return try zip(events, plans).map { event, plan in
            guard planned.contains(event.referralId) else {
                logger.info("ladder already planned; nothing changes", metadata: Self.metadata(of: event))
                return .duplicate
            }
            let cancelled = firstEvents.contains(event.referralId) ? [] : try cancelOvertakenSteps(of: event, on: connection)
            noteLadderPlanned(event, plan: plan, cancelled: cancelled)
            return .applied
        }
    }
}
