import AMQP
import Contract
import Foundation
import Logging

/// Plays one agency: reads its referral queue with its own account and answers each
/// referral the way real offices do: most promptly, some late, some decline, some never.
/// Delays are in seconds times `scale`; with the demo policy (acknowledge within 20 s,
/// complete within 60 s) "late" answers miss their deadlines and the ladder fires.
struct SimulatedAgency: Sendable {
    /// How one referral will be answered.
    enum Fate: Sendable {
        case prompt, late, decline, never
    }

    let code: String
    let url: String
    let scale: Double
    let counters: SimulationCounters
    let logger: Logger

    /// The agency code of an `agency-<code>` account URL.
    static func code(ofAccountURL url: String) -> String? {
        guard let user = URLComponents(string: url)?.user?.removingPercentEncoding, user.hasPrefix("agency-") else { return nil }
        return String(user.dropFirst("agency-".count))
    }

    /// Answers referrals until `stop` completes; answers still scheduled then are left
    /// unanswered (as an office that never replied), and counted.
    func run(seed: UInt64, until stop: ContinuousClock.Instant) async throws {
        let connection = try await AMQPConnection.connect(
            AMQPConfiguration(url: url, connectionName: "simulated agency \(code)"), logger: logger)
        let consumer = try await connection.consume(queue: QueueName.referrals(agency: code), prefetch: 50)
        var random = SeededRandom(seed: seed)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                try? await Task.sleep(until: stop)
                try? await consumer.cancel()
            }
            do {
                for try await delivery in consumer.deliveries {
                    delivery.ack()
                    // A decision on an extension (referral-updated.v1) is not a new referral.
                    guard delivery.properties.type != MessageType.referralUpdated else { continue }
                    guard let referralId = Self.referralId(in: delivery.body) else { continue }
                    counters.update { $0.referralsReceived += 1 }
                    let fate = Self.fate(&random)
                    let delays = (random.unit(), random.unit(), random.unit())
                    group.addTask { await answer(referralId, fate: fate, delays: delays, connection: connection, stop: stop) }
                }
            } catch {
                logger.warning("agency simulation stopped reading", metadata: ["agency": "\(code)", "error": "\(error)"])
            }
            await group.waitForAll()
        }
        await connection.close()
    }

    private static func fate(_ random: inout SeededRandom) -> Fate {
        switch random.unit() {
        case ..<0.55: return .prompt
        case ..<0.75: return .late
        case ..<0.85: return .decline
        default: return .never
        }
    }

    /// The status updates of one referral, each after its delay (seconds × scale).
    private func answer(
        _ referralId: String, fate: Fate, delays: (Double, Double, Double), connection: AMQPConnection,
        stop: ContinuousClock.Instant
    ) async {
        let steps: [(status: String, after: Double, note: String?)]
        switch fate {
        case .prompt:
            steps = [("acknowledged", 2 + 6 * delays.0, nil), ("in-progress", 4 + 4 * delays.1, nil), ("completed", 15 + 30 * delays.2, nil)]
        case .late:
            steps = [("acknowledged", 25 + 15 * delays.0, nil), ("in-progress", 5, nil), ("completed", 45 + 30 * delays.2, nil)]
        case .decline:
            steps = [("acknowledged", 3 + 5 * delays.0, nil), ("declined", 8 + 10 * delays.1, "Outside this office's remit; please route to the district authority.")]
        case .never:
            counters.update { $0.leftUnanswered += 1 }
            return
        }
        for step in steps {
            let wake = ContinuousClock.now + .milliseconds(Int64(step.after * scale * 1000))
            guard wake < stop else {
                counters.update { $0.leftUnanswered += 1 }
                return
            }
            try? await Task.sleep(until: wake)
            guard await publish(referralId, status: step.status, note: step.note, connection: connection) else { return }
        }
    }

    private func publish(_ referralId: String, status: String, note: String?, connection: AMQPConnection) async -> Bool {
        var update: [String: Any] = [
            "schema": MessageType.referralStatus, "referralId": referralId, "status": status,
            "at": Timestamp.format(Date()), "officer": "Simulated officer",
        ]
        if let note { update["note"] = note }
        guard let body = try? JSONSerialization.data(withJSONObject: update, options: [.sortedKeys]) else { return false }
        var properties = MessageProperties(
            contentType: "application/json", deliveryMode: 2, messageId: UUID().uuidString.lowercased(), type: MessageType.referralStatus)
        // The broker checks user_id against the account; the referral service trusts only that.
        properties.userId = "agency-\(code)"
        let message = OutgoingMessage(exchange: ExchangeName.agencyUpdates, routingKey: code, properties: properties, body: Array(body))
        guard (try? await connection.publish([message])) == [.confirmed] else {
            counters.update { $0.publishFailures += 1 }
            logger.warning("status update not confirmed", metadata: ["agency": "\(code)", "referralId": "\(referralId)"])
            return false
        }
        counters.update { counts in
            switch status {
            case "acknowledged": counts.acknowledged += 1
            case "completed": counts.completed += 1
            case "declined": counts.declined += 1
            default: break
            }
        }
        return true
    }

    private static func referralId(in body: [UInt8]) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])?["referralId"] as? String
    }
}
