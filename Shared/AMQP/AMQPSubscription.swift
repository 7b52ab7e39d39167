import Logging
import Retry
import Synchronization

/// Deliveries from one queue that keep coming across reconnects.
///
/// Deliveries wait in a buffer (bounded by the prefetch) and are taken in batches with
/// `next(upTo:)`, so a consumer can handle whatever has arrived in one transaction.
/// `stop()` cancels the consumer at the broker; what was already delivered stays
/// available, and can still be acknowledged, until the buffer is drained.
public final class AMQPSubscription: Sendable {
    public let queue: String

    private struct State {
        var buffer: [Delivery] = []
        var waiter: CheckedContinuation<Void, Never>?
        var finished = false
        var consumer: AMQPConsumer?
        var stopped = false
        var task: Task<Void, Never>?
    }

    private let state = Mutex(State())

    init(queue: String) {
        self.queue = queue
    }

    func start(client: AMQPClient, prefetch: UInt16, logger: Logger, backoff: Backoff) {
        let queue = queue
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
                        self.push(delivery)
                    }
                    self.state.withLock { $0.consumer = nil }
                    if !self.isStopped { await client.forget(connection) }
                } catch {
                    self.state.withLock { $0.consumer = nil }
                    if self.isStopped { break }
                    logger.warning("amqp consumer interrupted; resuming", metadata: ["queue": "\(queue)", "error": "\(error)"])
                    try? await Task.sleep(for: backoff.delay(attempt: failures))
                    failures += 1
                }
            }
            self.finish()
        }
        state.withLock { $0.task = task }
    }

    private var isStopped: Bool { state.withLock { $0.stopped } }

    private func push(_ delivery: Delivery) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.buffer.append(delivery)
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    private func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Waits for at least one delivery and returns up to `limit` of those buffered; an
    /// empty array means the subscription has ended and the buffer is drained.
    /// One task at a time may wait.
    public func next(upTo limit: Int) async -> [Delivery] {
        while true {
            if let batch = takeBuffered(limit) { return batch }
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if !state.buffer.isEmpty || state.finished { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }

    /// Up to `limit` buffered deliveries; `[]` once finished and drained; nil to wait.
    private func takeBuffered(_ limit: Int) -> [Delivery]? {
        state.withLock { state -> [Delivery]? in
            if !state.buffer.isEmpty {
                let count = min(limit, state.buffer.count)
                let batch = Array(state.buffer.prefix(count))
                state.buffer.removeFirst(count)
                return batch
            }
            return state.finished ? [] : nil
        }
    }

    /// Stops consuming. Deliveries already buffered are still returned by `next(upTo:)`.
    public func stop() async {
        let (consumer, task) = state.withLock { state -> (AMQPConsumer?, Task<Void, Never>?) in
            state.stopped = true
            return (state.consumer, state.task)
        }
        if let consumer {
            do { try await consumer.cancel() } catch { task?.cancel() }
        } else {
            // Not consuming (the broker is unreachable): nothing more can arrive, so the
            // reader is told at once rather than after the reconnect attempt gives up.
            task?.cancel()
            finish()
        }
        await task?.value
    }
}
