import AMQP
import Contract
import Foundation
import Logging

/// Plays an SMS registration system: publishes records to `intake` with a reply queue of
/// its own and counts the outcomes the intake service answers.
struct SimulatedSMSSystem: Sendable {
    let connection: AMQPConnection
    let replyQueue: String
    let replies: AMQPConsumer
    let counters: SimulationCounters
    let logger: Logger
    /// The SMS system's account: every record carries it as `user_id`.
    let account: String

    static func connect(url: String, counters: SimulationCounters, logger: Logger) async throws -> SimulatedSMSSystem {
        let configuration = try AMQPConfiguration(url: url, connectionName: "simulated SMS system")
        let connection = try await AMQPConnection.connect(configuration, logger: logger)
        let replyQueue = try await connection.declareReplyQueue()
        let replies = try await connection.consume(queue: replyQueue, prefetch: 200)
        return SimulatedSMSSystem(
            connection: connection, replyQueue: replyQueue, replies: replies, counters: counters, logger: logger, account: configuration.user)
    }

    /// Sends at `rate` per second until `sendingEnds`, counts replies until `repliesUntil`.
    func send(
        _ population: SyntheticPopulation, rate: Double, until sendingEnds: ContinuousClock.Instant,
        repliesUntil stop: ContinuousClock.Instant
    ) async throws {
        var population = population
        let counters = counters
        let replies = replies
        let reading = Task {
            for try await delivery in replies.deliveries {
                delivery.ack()
                let outcome = (try? JSONSerialization.jsonObject(with: Data(delivery.body)) as? [String: Any])?["outcome"] as? String
                counters.update { counts in
                    switch outcome {
                    case "accepted": counts.accepted += 1
                    case "duplicate": counts.duplicates += 1
                    default: counts.rejected += 1
                    }
                }
            }
        }
        let interval = Duration.milliseconds(Int64(1000 / rate))
        var next = ContinuousClock.now
        while next < sendingEnds {
            let record = population.next(now: Date())
            var properties = MessageProperties(
                contentType: "application/json", deliveryMode: 2, messageId: record.smsReference, type: MessageType.readmission)
            properties.replyTo = replyQueue
            properties.correlationId = record.smsReference
            properties.userId = account
            let outcome = try await connection.publish([OutgoingMessage(
                exchange: ExchangeName.intake, routingKey: MessageType.readmission, properties: properties, body: record.body)])
            counters.update { counts in
                if outcome == [.confirmed] {
                    counts.recordsSent += 1
                    if record.brokenRule != nil { counts.invalidSent += 1 }
                } else {
                    counts.publishFailures += 1
                }
            }
            next += interval
            try await Task.sleep(until: next)
        }
        try? await Task.sleep(until: stop)
        reading.cancel()
        try? await replies.cancel()
        await connection.close()
    }
}
