import Logging
import Retry

/// A connection to the broker that comes back: it connects lazily, declares its topology
/// on every (re)connect, retries publishes whose confirms were lost with the connection,
/// and keeps subscriptions consuming across reconnects.
///
/// Publishing after a lost connection may publish a message twice; receivers deduplicate
/// on `message_id`. Nothing unconfirmed is reported as published.
public actor AMQPClient: MessagePublisher {
    public nonisolated let configuration: AMQPConfiguration
    public nonisolated let topology: Topology
    private let logger: Logger
    private let backoff: Backoff
    private var current: AMQPConnection?
    private var connecting: Task<AMQPConnection, any Error>?
    private var closed = false
    private var subscriptions: [AMQPSubscription] = []
    /// Failed connects in a row: kept across attempts, so that a caller giving up and
    /// another starting anew does not restart the backoff at its shortest pause.
    private var connectFailures = 0
    private var lastConnectError: AMQPError?

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

    /// How the connection stands, for `/readyz`; like `isConnected`, starts a connect
    /// attempt when there is no connection and does not wait for it.
    public func condition() -> BrokerCondition {
        if let current, current.isOpen { return current.isBlocked ? .blocked : .open }
        _ = sharedAttempt()
        switch lastConnectError {
        case .authenticationFailed(let user, _): return .authenticationFailed(user: user)
        case let error?: return .disconnected(reason: error.description)
        case nil: return .disconnected(reason: nil)
        }
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
        while true {
            if closed { throw AMQPError.closed }
            do {
                let connection = try await AMQPConnection.connect(configuration, topology: topology, logger: logger)
                if connectFailures > 0 {
                    logger.info("amqp reconnected", metadata: ["broker": "\(configuration)", "attempts": "\(connectFailures + 1)"])
                }
                connectFailures = 0
                lastConnectError = nil
                return connection
            } catch let error as AMQPError {
                if case .configuration = error { throw error }
                lastConnectError = error
                let delay = backoff.delay(attempt: connectFailures)
                connectFailures += 1
                let metadata: Logger.Metadata = [
                    "broker": "\(configuration)", "error": "\(error)", "attempt": "\(connectFailures)", "retryIn": "\(delay)",
                ]
                if case .authenticationFailed = error {
                    logger.error("amqp authentication failed; check the broker user and password; retrying", metadata: metadata)
                } else {
                    logger.warning("amqp connect failed; retrying", metadata: metadata)
                }
                do { try await Task.sleep(for: delay) } catch { throw closed ? AMQPError.closed : error }
            }
        }
    }

    /// Publishes and says what became of each message. When the connection fails before
    /// some confirms arrive, only those messages are published again on a new connection;
    /// the confirmed ones are not. A message the broker closed the channel over is
    /// `.refused`, and the rest of its batch is published again without it. A message not confirmed within the configuration's
    /// `publishTimeout` (the broker blocking publishers, typically), or when the caller is
    /// cancelled, is reported `.unconfirmed` and left to the caller.
    ///
    /// Throws only when nothing could be attempted: the client is closed, or the caller was
    /// cancelled while the first connection was being made.
    public func publish(_ messages: [OutgoingMessage]) async throws -> [PublishOutcome] {
        var outcomes = [PublishOutcome?](repeating: nil, count: messages.count)
        var remaining = Array(messages.indices)
        var attempt = 0
        while true {
            let connection: AMQPConnection
            do {
                connection = try await self.connection()
            } catch {
                guard attempt > 0 else { throw error }
                let reason = (error as? AMQPError) ?? .cancelled
                return outcomes.map { $0 ?? .unconfirmed(reason) }
            }
            let results = await connection.publishEach(remaining.map { messages[$0] })
            var again: [Int] = []
            var interruption: AMQPError?
            // With the message the broker refused set apart, the rest of the batch can go again.
            let culpritFound = results.contains { if case .refused = $0 { true } else { false } }
            for (index, result) in zip(remaining, results) {
                outcomes[index] = result
                if case .unconfirmed(let error) = result, error.isRetryable || culpritFound {
                    again.append(index)
                    interruption = error
                }
            }
            guard let interruption, !Task.isCancelled else { return outcomes.map { $0 ?? .unconfirmed(.cancelled) } }
            logger.warning("amqp publish interrupted; publishing the unconfirmed again", metadata: [
                "error": "\(interruption)", "unconfirmed": "\(again.count)", "messages": "\(messages.count)",
            ])
            if current === connection, !connection.isOpen { current = nil }
            do { try await Task.sleep(for: backoff.delay(attempt: attempt)) } catch {
                return outcomes.map { $0 ?? .unconfirmed(.cancelled) }
            }
            attempt += 1
            remaining = again
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
