import AMQP
import Foundation
import Logging
import Synchronization

/// Reads a rejected queue without taking anything from it: it consumes with manual
/// acknowledgement and holds what it received until the caller acks one message (replay)
/// or closes the connection, which returns every unacknowledged message to the queue.
///
/// Quorum queues keep the order of returned messages but count each return in
/// `x-delivery-count`; the rejected queues have no delivery limit, so reading never
/// drops or dead-letters anything.
final class RejectedQueueReader: Sendable {
    let connection: AMQPConnection
    let queue: String
    /// The account the reader logged in as (the `user_id` its publishes may carry).
    let user: String

    private init(connection: AMQPConnection, queue: String, user: String) {
        self.connection = connection
        self.queue = queue
        self.user = user
    }

    static func open(url: String, queue: String) async throws(CommandFailure) -> RejectedQueueReader {
        let configuration: AMQPConfiguration
        do {
            configuration = try AMQPConfiguration(url: url, connectionName: "reintegrationctl-rejected")
        } catch {
            throw CommandFailure(usage: "--amqp-url is not an amqp:// URL with user and password")
        }
        do {
            return RejectedQueueReader(
                connection: try await AMQPConnection.connect(configuration, logger: quietLogger), queue: queue, user: configuration.user)
        } catch {
            throw CommandFailure.broker(error, doing: "connecting to the broker")
        }
    }

    /// A logger for the AMQP layer that keeps the tool's output to what it prints itself.
    static let quietLogger: Logger = {
        var logger = Logger(label: "reintegrationctl.amqp")
        logger.logLevel = .critical
        return logger
    }()

    /// Receives up to `limit` messages, or until one matches `stop`, or until no message
    /// arrived for `idle` (the queue is then read to its end). Holds them unacknowledged.
    func read(limit: UInt16, idle: Duration, stop: @escaping @Sendable (Delivery) -> Bool = { _ in false }) async throws(CommandFailure) -> [Delivery] {
        let consumer: AMQPConsumer
        do {
            consumer = try await connection.consume(queue: queue, prefetch: limit)
        } catch {
            throw CommandFailure.broker(error, doing: "reading \(queue)")
        }
        struct Progress {
            var received: [Delivery] = []
            var lastArrival = ContinuousClock.now
            var done = false
            var failure: (any Error)?
        }
        let progress = Mutex(Progress())
        let receiver = Task {
            do {
                for try await delivery in consumer.deliveries {
                    let finished = progress.withLock { state in
                        state.received.append(delivery)
                        state.lastArrival = .now
                        state.done = stop(delivery) || state.received.count >= Int(limit)
                        return state.done
                    }
                    if finished { return }
                }
            } catch {
                progress.withLock { $0.failure = error }
            }
        }
        // Polls rather than racing the stream: the stream's iterator cannot leave its task.
        while true {
            let (done, quiet, failure) = progress.withLock { state in
                (state.done, ContinuousClock.now - state.lastArrival >= idle, state.failure)
            }
            if let failure { throw CommandFailure.broker(failure, doing: "reading \(queue)") }
            if done || quiet { break }
            try? await Task.sleep(for: .milliseconds(50))
        }
        receiver.cancel()
        // No more deliveries; those received stay unacknowledged until ack or close.
        try? await consumer.cancel()
        return progress.withLock { $0.received }
    }

    /// Closes the connection: every message not acknowledged goes back to the queue.
    func close() async {
        await connection.close()
    }
}
