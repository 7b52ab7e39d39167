import Logging
import Synchronization

/// Deliveries from one queue that keep coming across reconnects.
///
/// `stop()` cancels the consumer at the broker and ends `deliveries` once the broker
/// confirmed: deliveries already handed out can still be acknowledged.
public final class AMQPSubscription: Sendable {
    public let queue: String
    public let deliveries: AsyncStream<Delivery>
    private let continuation: AsyncStream<Delivery>.Continuation
    private struct State {
        var consumer: AMQPConsumer?
        var stopped = false
        var task: Task<Void, Never>?
    }
    private let state = Mutex(State())

    init(queue: String) {
        self.queue = queue
        (deliveries, continuation) = AsyncStream<Delivery>.makeStream()
    }

    func start(client: AMQPClient, prefetch: UInt16, logger: Logger, backoff: Backoff) {
        let queue = queue
        let continuation = continuation
        let task = Task {
            var failures = 0
            while !self.isStopped {
                do {
                    let connection = try await client.connection()
                    let consumer = try await connection.consume(queue: queue, prefetch: prefetch)
                    let stoppedMeanwhile = self.state.withLock { state -> Bool in
                        state.consumer = consumer
                        return state.stopped
                    }
                    if stoppedMeanwhile { try? await consumer.cancel() }
                    for try await delivery in consumer.deliveries {
                        failures = 0
                        continuation.yield(delivery)
                    }
                    self.state.withLock { $0.consumer = nil }
                    if !self.isStopped {
                        await client.forget(connection)
                    }
                } catch {
                    self.state.withLock { $0.consumer = nil }
                    if self.isStopped || error as? AMQPError == .closed && self.isStopped { break }
                    logger.warning("amqp consumer interrupted; resuming", metadata: ["queue": "\(queue)", "error": "\(error)"])
                    try? await Task.sleep(for: backoff.delay(attempt: failures))
                    failures += 1
                }
            }
            continuation.finish()
        }
        state.withLock { $0.task = task }
    }

    private var isStopped: Bool { state.withLock { $0.stopped } }

    /// Stops consuming; `deliveries` finishes after the broker acknowledged the cancel.
    public func stop() async {
        let (consumer, task) = state.withLock { state -> (AMQPConsumer?, Task<Void, Never>?) in
            state.stopped = true
            return (state.consumer, state.task)
        }
        if let consumer {
            do { try await consumer.cancel() } catch { task?.cancel() }
        } else {
            task?.cancel()
        }
        await task?.value
    }
}
