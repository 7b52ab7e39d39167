import AMQP
import Logging

/// Asks the broker what an account may do, the way an outside party would find out.
enum BrokerProbe {
    /// The broker's answer to consuming `queue` with the account of `url`: nil when allowed.
    static func consumeRefusal(url: String, queue: String, logger: Logger) async throws -> AMQPError? {
        let connection = try await AMQPConnection.connect(AMQPConfiguration(url: url, connectionName: "probe-test"), logger: logger)
        defer { Task { await connection.close() } }
        do {
            let consumer = try await connection.consume(queue: queue, prefetch: 1)
            try await consumer.cancel()
            return nil
        } catch let error as AMQPError {
            return error
        }
    }
}
