import Logging

/// One connection to the broker, with its own thread (see `ConnectionLoop`).
///
/// A connection that fails stays failed: `AMQPClient` replaces it. Use the client in
/// services; a bare connection suits tests and tools that want to see failures.
public final class AMQPConnection: Sendable {
    let loop: ConnectionLoop

    private init(loop: ConnectionLoop) {
        self.loop = loop
    }

    /// Connects, logs in, opens a channel in confirm mode and declares `topology`.
    public static func connect(
        _ configuration: AMQPConfiguration, topology: Topology = Topology(), logger: Logger
    ) async throws -> AMQPConnection {
        let loop = ConnectionLoop(configuration: configuration, logger: logger)
        try await loop.start(topology: topology)
        return AMQPConnection(loop: loop)
    }

    public var isOpen: Bool { loop.isAlive }

    /// Declares more exchanges, queues and bindings (idempotent).
    public func declare(_ topology: Topology) async throws {
        try await loop.perform { loop in try loop.declareTopology(topology) }
    }

    /// Declares a server-named, exclusive, auto-delete queue and returns its name.
    public func declareReplyQueue() async throws -> String {
        try await loop.perform { loop in try loop.declareExclusiveQueue() }
    }

    /// Whether the broker has blocked this connection (memory or disk alarm); known once
    /// a publish meets the alarm.
    public var isBlocked: Bool { loop.isBlocked }

    /// Publishes the messages (in order) and waits until the broker has confirmed,
    /// returned or nacked each one. Throws `AMQPError` when the broker closed the channel
    /// over one of them, or when any got no answer (the connection failed, the time limit
    /// passed or the caller was cancelled).
    public func publish(_ messages: [OutgoingMessage]) async throws -> [PublishOutcome] {
        let outcomes = await publishEach(messages)
        for outcome in outcomes {
            if case .refused(let code, let text) = outcome { throw AMQPError.brokerClosed(code: code, text: text, context: "publishing") }
        }
        for outcome in outcomes {
            if case .unconfirmed(let error) = outcome { throw error }
        }
        return outcomes
    }

    /// Publishes the messages (in order) and says what became of each one. A message the
    /// client cannot encode is `.unencodable` and does not disturb the others. A message
    /// without an answer from the broker within `configuration.publishTimeout` (typically
    /// while the broker blocks publishers), when the connection fails, or when the caller is
    /// cancelled, is `.unconfirmed`; the answers received until then stand.
    public func publishEach(_ messages: [OutgoingMessage]) async -> [PublishOutcome] {
        guard !messages.isEmpty else { return [] }
        let loop = loop
        let waiter = PublishWaiter(count: messages.count)
        let limit = loop.configuration.publishTimeout
        // The limit is kept off the connection's thread, which a blocked socket may hold.
        let timer = Task {
            do { try await Task.sleep(for: limit) } catch { return }
            let seconds = Int(limit.components.seconds)
            waiter.expire(loop.isBlocked ? .brokerBlocked(waitedSeconds: seconds) : .confirmTimedOut(waitedSeconds: seconds))
        }
        defer { timer.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiter.install(continuation)
                if !loop.enqueue({ loop in loop.startPublish(messages, waiter: waiter) }) { waiter.expire(.closed) }
            }
        } onCancel: {
            waiter.expire(.cancelled)
        }
    }

    /// Starts consuming `queue` with manual acknowledgement.
    public func consume(queue: String, prefetch: UInt16) async throws -> AMQPConsumer {
        try await startConsumer(queue: queue, prefetch: prefetch, noAck: false)
    }

    /// Consumes RabbitMQ's direct reply-to pseudo-queue (`amq.rabbitmq.reply-to`): publish
    /// with that `reply_to` on this connection afterwards, and the answers come here.
    /// Deliveries need no acknowledgement (the broker allows none).
    public func consumeDirectReplies() async throws -> AMQPConsumer {
        try await startConsumer(queue: Self.directReplyTo, prefetch: 0, noAck: true)
    }

    /// The pseudo-queue of direct reply-to, as `reply_to` names it.
    public static let directReplyTo = "amq.rabbitmq.reply-to"

    private func startConsumer(queue: String, prefetch: UInt16, noAck: Bool) async throws -> AMQPConsumer {
        let (stream, continuation) = AsyncThrowingStream<Delivery, any Error>.makeStream()
        let tag = try await loop.perform { loop in
            try loop.startConsumer(queue: queue, prefetch: prefetch, noAck: noAck, continuation: continuation)
        }
        return AMQPConsumer(tag: tag, deliveries: stream, connection: self)
    }

    /// Closes the connection after what was already queued on it (acks included).
    public func close() async {
        await loop.close()
    }
}

/// A consumer on one connection: its deliveries end when it is cancelled (normally) or
/// when the connection fails (with the error).
public struct AMQPConsumer: Sendable {
    public let tag: String
    public let deliveries: AsyncThrowingStream<Delivery, any Error>
    let connection: AMQPConnection

    /// Asks the broker to stop delivering; deliveries already received may still be acked.
    public func cancel() async throws {
        let tag = tag
        try await connection.loop.perform { loop in try loop.cancelConsumer(tag: tag) }
    }
}

extension Delivery {
    /// Acknowledges on the connection the delivery came on. When that connection is gone
    /// this does nothing: the broker redelivers, and the inbox makes that harmless.
    public func ack() {
        Self.ack([self])
    }

    /// Acknowledges `deliveries` together: per connection one job and, for the run of its
    /// oldest unsettled deliveries they make up, one `basic.ack multiple=true`.
    public static func ack(_ deliveries: [Delivery]) {
        var tagsByConnection: [ObjectIdentifier: (loop: ConnectionLoop, tags: [UInt64])] = [:]
        for delivery in deliveries {
            tagsByConnection[ObjectIdentifier(delivery.connection), default: (delivery.connection, [])].tags.append(delivery.deliveryTag)
        }
        for (_, entry) in tagsByConnection {
            let tags = entry.tags
            entry.loop.enqueue { loop in loop.acknowledge(tags: tags) }
        }
    }

    /// Returns the delivery to the queue (`requeue`) or drops it to dead-lettering.
    public func nack(requeue: Bool) {
        let tag = deliveryTag
        connection.enqueue { loop in loop.negativeAcknowledge(tag, requeue: requeue) }
    }

    /// Whether the connection it came on is still open (its ack can still count).
    public var isAcknowledgeable: Bool { connection.isAlive }
}
