import Logging

/// A connection to the broker that comes back: it connects lazily, declares its topology
/// on every (re)connect, retries publishes whose confirms were lost with the connection,
/// and keeps subscriptions consuming across reconnects.
///
/// Publishing after a lost connection may publish a message twice; receivers deduplicate
/// on `message_id`. Nothing unconfirmed is reported as published.
public actor AMQPClient {
    public nonisolated let configuration: AMQPConfiguration
    public nonisolated let topology: Topology
    private let logger: Logger
    private let backoff: Backoff
    private var current: AMQPConnection?
    private var connecting: Task<AMQPConnection, any Error>?
    private var closed = false
    private var subscriptions: [AMQPSubscription] = []

    public init(configuration: AMQPConfiguration, topology: Topology = Topology(), logger: Logger, backoff: Backoff = Backoff()) {
        self.configuration = configuration
        self.topology = topology
        self.logger = logger
        self.backoff = backoff
    }

    /// Whether a connection is open now, for readiness checks. When none is, a connect
    /// attempt is started (unless one runs) and not waited for: a probe is never held by
    /// an unreachable broker, and never cancels the attempt others wait for.
    public func isConnected() -> Bool {
        if let current, current.isOpen { return true }
        _ = sharedAttempt()
        return false
    }

    /// The open connection, connecting (with backoff, until it succeeds or the client is
    /// closed) when there is none. Callers share one connect attempt. A cancelled caller
    /// cancels it, so that a service shutting down while the broker is unreachable is not
    /// held by it; the other callers then start a new attempt.
    public func connection() async throws -> AMQPConnection {
        while true {
            if closed { throw AMQPError.closed }
            if let current, current.isOpen { return current }
            guard let attempt = sharedAttempt() else { throw AMQPError.closed }
            do {
                return try await withTaskCancellationHandler { try await attempt.value } onCancel: { attempt.cancel() }
            } catch is CancellationError where !Task.isCancelled {
                // Another caller gave up on the attempt; this one still wants a connection.
                continue
            }
        }
    }

    /// The connect attempt in progress, started if none runs; nil once the client is closed.
    private func sharedAttempt() -> Task<AMQPConnection, any Error>? {
        if closed { return nil }
        if let connecting { return connecting }
        let attempt = Task { try await self.connectAndKeep() }
        connecting = attempt
        return attempt
    }

    /// One shared connect attempt. It keeps the connection it opens whoever is still
    /// waiting, so no connection is left open and unused.
    private func connectAndKeep() async throws -> AMQPConnection {
        defer { connecting = nil }
        let connection = try await connectWithBackoff()
        if closed {
            await connection.close()
            throw AMQPError.closed
        }
        current = connection
        return connection
    }

    private func connectWithBackoff() async throws -> AMQPConnection {
        var attempt = 0
        while true {
            if closed { throw AMQPError.closed }
            do {
                let connection = try await AMQPConnection.connect(configuration, topology: topology, logger: logger)
                if attempt > 0 { logger.info("amqp reconnected", metadata: ["broker": "\(configuration)", "attempts": "\(attempt + 1)"]) }
                return connection
            } catch let error as AMQPError {
                if case .configuration = error { throw error }
                let delay = backoff.delay(attempt: attempt)
                logger.warning("amqp connect failed; retrying", metadata: [
                    "broker": "\(configuration)", "error": "\(error)", "retryIn": "\(delay)",
                ])
                attempt += 1
                do { try await Task.sleep(for: delay) } catch { throw closed ? AMQPError.closed : error }
            }
        }
    }

    /// Publishes and waits for every confirm, reconnecting and publishing again when the
    /// connection fails before the confirms arrive.
    public func publish(_ messages: [OutgoingMessage]) async throws -> [PublishOutcome] {
        var attempt = 0
        while true {
            let connection = try await connection()
            do {
                return try await connection.publish(messages)
            } catch let error as AMQPError where error.isRetryable {
                logger.warning("amqp publish interrupted; publishing again", metadata: ["error": "\(error)", "messages": "\(messages.count)"])
                if current === connection { current = nil }
                try await Task.sleep(for: backoff.delay(attempt: attempt))
                attempt += 1
            }
        }
    }

    /// Consumes `queue` for as long as the subscription lives, across reconnects.
    public func subscribe(queue: String, prefetch: UInt16) -> AMQPSubscription {
        let subscription = AMQPSubscription(queue: queue)
        subscriptions.append(subscription)
        subscription.start(client: self, prefetch: prefetch, logger: logger, backoff: backoff)
        return subscription
    }

    func forget(_ connection: AMQPConnection) {
        if current === connection {
            current = nil
        }
    }

    /// Stops subscriptions, then closes the connection after queued acks are sent.
    public func close() async {
        closed = true
        // A connect attempt in progress would otherwise keep the subscriptions waiting.
        connecting?.cancel()
        for subscription in subscriptions { await subscription.stop() }
        subscriptions.removeAll()
        if let current { await current.close() }
        current = nil
    }
}
