import AMQP
import Contract
import Foundation
import Logging
import Retry

/// The fault drill's SMS system: publishes a fixed number of records at a steady rate,
/// reconnecting to another broker node when one fails, and publishes a record again (same
/// `message_id`, as the contract asks of SMS systems) until the broker confirms it.
struct DrillSMSSystem: Sendable {
    let url: String
    let ledger: DrillLedger
    let counters: SimulationCounters
    let logger: Logger

    func send(_ population: SyntheticPopulation, records: Int, rate: Double) async throws {
        let configuration = try AMQPConfiguration(url: url, connectionName: "drill SMS system")
        let client = AMQPClient(configuration: configuration, logger: logger)
        var population = population
        let interval = Duration.milliseconds(Int64(1000 / rate))
        var next = ContinuousClock.now
        for _ in 0..<records {
            let record = population.next(now: Date())
            var properties = MessageProperties(
                contentType: "application/json", deliveryMode: 2, messageId: record.smsReference, type: MessageType.readmission)
            properties.correlationId = record.smsReference
            properties.userId = configuration.user
            let message = OutgoingMessage(exchange: ExchangeName.intake, routingKey: MessageType.readmission, properties: properties, body: record.body)
            var attempt = 0
            while try await client.publish([message]) != [.confirmed] {
                counters.update { $0.publishFailures += 1 }
                try await Task.sleep(for: Backoff().delay(attempt: attempt))
                attempt += 1
            }
            ledger.sent(smsReference: record.smsReference, valid: record.brokenRule == nil, at: Date())
            counters.update { counts in
                counts.recordsSent += 1
                if record.brokenRule != nil { counts.invalidSent += 1 }
            }
            next += interval
            try await Task.sleep(until: max(next, .now))
        }
        await client.close()
    }
}
