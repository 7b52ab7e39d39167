import CRabbitMQ
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One broker connection and the dedicated thread that owns it.
///
/// rabbitmq-c is not thread-safe and its calls block, so every C call on this connection
/// happens on `thread`, never on Swift's cooperative pool. Other threads hand work over
/// as jobs and wake the thread through an eventfd that it polls together with the socket.
/// The thread also reads frames as they arrive: deliveries, publisher confirms, returns,
/// `connection.blocked` and closes, and services heartbeats while idle.
///
/// Everything not guarded by `inbox` is confined to the thread (hence `@unchecked`).
final class ConnectionLoop: @unchecked Sendable {
    typealias Job = @Sendable (ConnectionLoop) -> Void

    private struct Inbox {
        var jobs: [Job] = []
        var stopped = false
    }

    private struct PendingPublish {
        var batch: Int
        var index: Int
        var messageId: String
        var exchange: String
        var returned: PublishOutcome?
    }

    static let channel: amqp_channel_t = 1

    let configuration: AMQPConfiguration
    let logger: Logger
    private let inbox = Mutex(Inbox())
    /// A self-pipe: writing a byte wakes the thread out of poll().
    private let wakeDescriptor: Int32
    private let wakeWriteDescriptor: Int32
    private let isAliveFlag = Atomic<Bool>(true)
    private let isBlockedFlag = Atomic<Bool>(false)

    // Thread-confined state.
    private var state: amqp_connection_state_t?
    private var failure: AMQPError?
    private var nextSequence: UInt64 = 1
    private var pending: [UInt64: PendingPublish] = [:]
    /// Unconfirmed publishes by message id ("" for none): a return names only the id.
    private var sequencesByMessageId: [String: [UInt64]] = [:]
    private var batches: [Int: PublishWaiter] = [:]
    private var nextBatch = 0
    private var blocked = false
    private var waitingWhileBlocked: [(messages: [OutgoingMessage], batch: Int)] = []
    /// Whether login and channel setup succeeded: a failed connect is reported by its caller.
    private var opened = false
    private var consumers: [String: AsyncThrowingStream<Delivery, any Error>.Continuation] = [:]
    /// Consumers whose deliveries need an acknowledgement (not direct reply-to's).
    private var acknowledgingConsumers: Set<String> = []
    /// Tags of deliveries handed out and not yet acknowledged or returned, ascending (the
    /// broker numbers a channel's deliveries in order): what one `multiple` ack may cover.
    private var unsettled: [UInt64] = []

    init(configuration: AMQPConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        var descriptors: [Int32] = [-1, -1]
        if pipe(&descriptors) == 0 {
            for descriptor in descriptors {
                _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
                _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            }
        }
        wakeDescriptor = descriptors[0]
        wakeWriteDescriptor = descriptors[1]
    }

    deinit {
        if wakeDescriptor >= 0 { Glibc.close(wakeDescriptor) }
        if wakeWriteDescriptor >= 0 { Glibc.close(wakeWriteDescriptor) }
    }

    /// False once the connection failed or was closed; it never comes back.
    var isAlive: Bool { isAliveFlag.load(ordering: .acquiring) }

    /// Whether the broker has blocked this connection (a memory or disk alarm). Known
    /// once a publish meets the alarm: the broker says so only to publishing connections.
    var isBlocked: Bool { isBlockedFlag.load(ordering: .acquiring) }

    // MARK: Handing work to the thread

    /// Queues `job` for the connection's thread; false when the loop has stopped.
    @discardableResult
    func enqueue(_ job: @escaping Job) -> Bool {
        let accepted = inbox.withLock { inbox -> Bool in
            guard !inbox.stopped else { return false }
            inbox.jobs.append(job)
            return true
        }
        if accepted {
            var byte: UInt8 = 1
            _ = write(wakeWriteDescriptor, &byte, 1)
        }
        return accepted
    }

    /// Runs `body` on the connection's thread and returns its result.
    func perform<T: Sendable>(_ body: @escaping @Sendable (ConnectionLoop) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let accepted = enqueue { loop in
                do {
                    if let failure = loop.failure { throw failure }
                    continuation.resume(returning: try body(loop))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            if !accepted { continuation.resume(throwing: AMQPError.closed) }
        }
    }

    // MARK: Lifecycle

    /// Starts the thread, connects, logs in, opens the channel in confirm mode and
    /// declares `topology`. Throws when any of it fails; the loop is then stopped.
    func start(topology: Topology) async throws {
        let thread = Thread { [self] in run() }
        thread.name = "amqp:\(configuration.connectionName)"
        thread.start()
        try await perform { loop in
            do {
                try loop.open()
                try loop.declareTopology(topology)
            } catch let error as AMQPError {
                loop.fail(error)
                throw error
            }
        }
    }

    /// Closes the connection after the jobs already queued (acks included) have run.
    func close() async {
        _ = try? await perform { loop in loop.fail(.closed) }
    }

    private func run() {
        var descriptors = [pollfd(fd: wakeDescriptor, events: Int16(POLLIN), revents: 0), pollfd(fd: -1, events: Int16(POLLIN), revents: 0)]
        let tickMilliseconds = Int32(max(100, min(1000, configuration.heartbeat.components.seconds * 250)))
        while true {
            let jobs = inbox.withLock { inbox -> [Job]? in
                if inbox.jobs.isEmpty && failure != nil && state == nil {
                    inbox.stopped = true
                    return nil
                }
                defer { inbox.jobs.removeAll(keepingCapacity: true) }
                return inbox.jobs
            }
            guard let jobs else { break }
            for job in jobs { job(self) }
            guard let state else {
                if failure != nil { continue }
                // Not yet opened: wait for the open job.
                descriptors[1].fd = -1
                _ = poll(&descriptors, 1, tickMilliseconds)
                drainWake(descriptors[0])
                continue
            }
            if amqp_frames_enqueued(state) != 0 || amqp_data_in_buffer(state) != 0 {
                readAvailableFrames()
                continue
            }
            descriptors[1].fd = amqp_get_sockfd(state)
            descriptors[0].revents = 0
            descriptors[1].revents = 0
            let ready = poll(&descriptors, 2, tickMilliseconds)
            if ready < 0 && errno != EINTR {
                fail(.connectionLost("poll failed: errno \(errno)"))
                continue
            }
            drainWake(descriptors[0])
            // Called on every wake-up, readable or not: this is also where the library
            // sends heartbeats that fall due and notices missed ones.
            readAvailableFrames()
        }
    }

    private func drainWake(_ descriptor: pollfd) {
        guard descriptor.revents & Int16(POLLIN) != 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 256)
        while read(wakeDescriptor, &buffer, buffer.count) > 0 {}
    }

    // MARK: Opening

    private func open() throws {
        guard let state = amqp_new_connection() else {
            throw AMQPError.connectFailed(stage: "allocate", reason: "out of memory")
        }
        self.state = state
        try openSocket(state)
        let login = reintegration_amqp_login_plain(
            state, configuration.virtualHost, 1, Int32(configuration.frameMax), Int32(configuration.heartbeat.components.seconds),
            configuration.connectionName, configuration.user, configuration.password)
        if login.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION, login.reply.id == Method.connectionClose {
            // The broker says why only because the client announces authentication_failure_close.
            let close = login.reply.decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
            if close.reply_code == 403 {
                let reason = "\(close.reply_code) \(close.reply_text.string)"
                var ok = amqp_connection_close_ok_t(dummy: 0)
                _ = amqp_send_method(state, 0, Method.connectionCloseOk, &ok)
                throw AMQPError.authenticationFailed(user: configuration.user, reason: reason)
            }
        }
        try check(login, context: "login as \(configuration.user) to vhost \(configuration.virtualHost)", stage: "login")
        _ = amqp_channel_open(state, Self.channel)
        try check(amqp_get_rpc_reply(state), context: "channel.open", stage: "channel")
        _ = amqp_confirm_select(state, Self.channel)
        try check(amqp_get_rpc_reply(state), context: "confirm.select", stage: "channel")
        opened = true
        logger.debug("amqp connection open", metadata: ["broker": "\(configuration)"])
    }

    /// Opens the socket to the first node that answers, starting at a random one so that a
    /// cluster's clients spread over its nodes; a node that is down costs one connect attempt.
    private func openSocket(_ state: amqp_connection_state_t) throws {
        let nodes = configuration.nodes
        let start = Int.random(in: 0..<nodes.count)
        var failure = AMQPError.connectFailed(stage: "tcp", reason: "no broker node configured")
        for offset in 0..<nodes.count {
            let node = nodes[(start + offset) % nodes.count]
            // Each attempt gets a new socket; setting it on the state frees the last one.
            let socket = try makeSocket(state)
            var timeout = timeval(tv_sec: Int(configuration.connectTimeout.components.seconds), tv_usec: 0)
            let status = amqp_socket_open_noblock(socket, node.host, Int32(node.port), &timeout)
            if status == AMQP_STATUS_OK.rawValue { return }
            failure = AMQPError.connectFailed(stage: "\(configuration.tls == nil ? "tcp" : "tls") \(node)", reason: Self.openFailure(status))
            if nodes.count > 1 {
                logger.warning("amqp node unreachable; trying the next", metadata: ["node": "\(node)", "error": "\(failure)"])
            }
        }
        throw failure
    }

    /// A plain or TLS socket on `state`, with the TLS files and checks of the configuration.
    private func makeSocket(_ state: amqp_connection_state_t) throws -> OpaquePointer {
        guard let tls = configuration.tls else {
            guard let socket = amqp_tcp_socket_new(state) else {
                throw AMQPError.connectFailed(stage: "socket", reason: "cannot create socket")
            }
            return socket
        }
        guard let socket = amqp_ssl_socket_new(state) else {
            throw AMQPError.connectFailed(stage: "tls", reason: "cannot create TLS socket")
        }
        amqp_ssl_socket_set_verify_peer(socket, tls.verifyPeer ? 1 : 0)
        amqp_ssl_socket_set_verify_hostname(socket, tls.verifyHostname ? 1 : 0)
        _ = amqp_ssl_socket_set_ssl_versions(socket, AMQP_TLSv1_2, AMQP_TLSvLATEST)
        if let path = tls.caCertificatePath {
            let status = amqp_ssl_socket_set_cacert(socket, path)
            guard status == AMQP_STATUS_OK.rawValue else {
                throw AMQPError.configuration("cannot read the CA certificate file \(path): \(Self.statusText(status))")
            }
        }
        if let certificate = tls.clientCertificatePath, let key = tls.clientKeyPath {
            let status = amqp_ssl_socket_set_key(socket, certificate, key)
            guard status == AMQP_STATUS_OK.rawValue else {
                throw AMQPError.configuration("cannot read the client certificate \(certificate) or its key: \(Self.statusText(status))")
            }
        }
        return socket
    }

    /// What a failed socket open means, in words an operator can act on.
    private static func openFailure(_ status: Int32) -> String {
        switch status {
        case AMQP_STATUS_SSL_CONNECTION_FAILED.rawValue, AMQP_STATUS_SSL_ERROR.rawValue:
            "the TLS handshake failed (is the CA file the one that signed the broker's certificate?)"
        case AMQP_STATUS_SSL_HOSTNAME_VERIFY_FAILED.rawValue:
            "the broker's certificate does not name this host"
        case AMQP_STATUS_SSL_PEER_VERIFY_FAILED.rawValue:
            "the broker's certificate is not signed by the configured CA"
        default:
            statusText(status)
        }
    }

    func declareTopology(_ topology: Topology) throws {
        guard let state else { throw AMQPError.closed }
        for exchange in topology.exchanges {
            let arena = CArena()
            _ = amqp_exchange_declare(
                state, Self.channel, arena.bytes(exchange.name), arena.bytes(exchange.kind.rawValue),
                0, exchange.durable ? 1 : 0, 0, 0, arena.table(exchange.arguments))
            try check(amqp_get_rpc_reply(state), context: "declaring exchange \(exchange.name)")
        }
        for queue in topology.queues { try declare(queue, state: state) }
        for binding in topology.bindings {
            let arena = CArena()
            _ = amqp_queue_bind(
                state, Self.channel, arena.bytes(binding.queue), arena.bytes(binding.exchange),
                arena.bytes(binding.routingKey), amqp_empty_table)
            try check(amqp_get_rpc_reply(state), context: "binding \(binding.queue) to \(binding.exchange)")
        }
    }

    /// Declares a queue. A queue an earlier version declared with other arguments (say,
    /// without today's length limit) cannot be redeclared; the broker answers 406 and closes
    /// the channel. It is then used as it is, with a warning: its messages are kept, and
    /// docs/contract.md says how to give it the new limits.
    private func declare(_ queue: QueueDeclaration, state: amqp_connection_state_t) throws {
        let arena = CArena()
        _ = amqp_queue_declare(
            state, Self.channel, arena.bytes(queue.name), 0, queue.durable ? 1 : 0, queue.exclusive ? 1 : 0,
            queue.autoDelete ? 1 : 0, arena.table(queue.arguments))
        let reply = amqp_get_rpc_reply(state)
        guard reply.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION, reply.reply.id == Method.channelClose,
              case .brokerClosed(406, let text, _) = closeError(method: reply.reply, context: "declaring queue \(queue.name)")
        else { return try check(reply, context: "declaring queue \(queue.name)") }
        _ = amqp_channel_open(state, Self.channel)
        try check(amqp_get_rpc_reply(state), context: "channel.open")
        _ = amqp_confirm_select(state, Self.channel)
        try check(amqp_get_rpc_reply(state), context: "confirm.select")
        _ = amqp_queue_declare(state, Self.channel, arena.bytes(queue.name), 1, 0, 0, 0, amqp_empty_table)
        try check(amqp_get_rpc_reply(state), context: "checking queue \(queue.name)")
        logger.warning("queue exists with other arguments; using it as it is", metadata: [
            "queue": "\(queue.name)", "broker": "\(text)",
        ])
    }

    /// Declares a server-named exclusive queue (for replies); returns its name.
    func declareExclusiveQueue() throws -> String {
        guard let state else { throw failure ?? .closed }
        let reply = amqp_queue_declare(state, Self.channel, amqp_empty_bytes, 0, 0, 1, 1, amqp_empty_table)
        try check(amqp_get_rpc_reply(state), context: "declaring a reply queue")
        guard let reply else { throw AMQPError.connectionLost("queue.declare-ok missing") }
        return reply.pointee.queue.string
    }

    /// Maps an RPC reply to an error, answering the broker's close so the socket stays sane.
    /// After the connection is open, such an error has closed the only channel: the loop
    /// fails as a whole, so its subscriptions and waiting publishes learn it at once.
    private func check(_ reply: amqp_rpc_reply_t, context: String, stage: String? = nil) throws {
        let error: AMQPError
        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL:
            return
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            let closed = closeError(method: reply.reply, context: context)
            if let stage { throw AMQPError.connectFailed(stage: stage, reason: closed.description) }
            error = closed
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            let reason = Self.statusText(reply.library_error)
            if let stage { throw AMQPError.connectFailed(stage: stage, reason: reason) }
            error = .connectionLost("\(context): \(reason)")
        default:
            error = .connectionLost("\(context): no reply")
        }
        fail(error)
        throw error
    }

    /// Decodes a `channel.close` / `connection.close` and acknowledges it.
    private func closeError(method: amqp_method_t, context: String) -> AMQPError {
        guard let state else { return .closed }
        switch method.id {
        case Method.connectionClose:
            let close = method.decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
            var ok = amqp_connection_close_ok_t(dummy: 0)
            _ = amqp_send_method(state, 0, Method.connectionCloseOk, &ok)
            return .brokerClosed(code: Int(close.reply_code), text: close.reply_text.string, context: context)
        case Method.channelClose:
            let close = method.decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
            var ok = amqp_channel_close_ok_t(dummy: 0)
            _ = amqp_send_method(state, Self.channel, Method.channelCloseOk, &ok)
            return .brokerClosed(code: Int(close.reply_code), text: close.reply_text.string, context: context)
        default:
            return .connectionLost("\(context): unexpected method \(method.id)")
        }
    }

    // MARK: Failing and closing

    /// Ends the connection for good: everyone waiting hears `error`.
    func fail(_ error: AMQPError) {
        guard failure == nil else { return }
        failure = error
        isAliveFlag.store(false, ordering: .releasing)
        if let state {
            if error == .closed {
                _ = amqp_channel_close(state, Self.channel, Int32(AMQP_REPLY_SUCCESS))
                _ = amqp_connection_close(state, Int32(AMQP_REPLY_SUCCESS))
                logger.debug("amqp connection closed", metadata: ["broker": "\(configuration)"])
            } else if opened {
                logger.warning("amqp connection failed", metadata: ["broker": "\(configuration)", "error": "\(error)"])
            }
            amqp_destroy_connection(state)
            self.state = nil
        }
        blame(error)
        let waiting = batches
        batches.removeAll()
        pending.removeAll()
        sequencesByMessageId.removeAll()
        waitingWhileBlocked.removeAll()
        // Answers already received stand; the rest are unknown and may be published again.
        for waiter in waiting.values { waiter.expire(error) }
        let streams = consumers
        consumers.removeAll()
        for stream in streams.values {
            if error == .closed { stream.finish() } else { stream.finish(throwing: error) }
        }
    }

    /// When the broker closed the channel over a publish (a missing exchange, refused
    /// access), tells that message's caller so: the first unconfirmed publish to the exchange
    /// the broker names. The others of its batch can then be published again without it.
    private func blame(_ error: AMQPError) {
        guard case .brokerClosed(let code, let text, _) = error, [403, 404, 406].contains(code) else { return }
        let named = { (exchange: String) in text.contains("exchange '\(exchange.isEmpty ? "amq.default" : exchange)'") }
        guard let (_, culprit) = pending.sorted(by: { $0.key < $1.key }).first(where: { named($0.value.exchange) }),
              let waiter = batches[culprit.batch]
        else { return }
        waiter.resolve(culprit.index, .refused(code: code, text: text))
    }

    // MARK: Publishing with confirms

    /// Publishes `messages` and tells `waiter` what the broker said about each one: confirmed,
    /// returned or nacked (or unencodable, when the client could not build its frames).
    func startPublish(_ messages: [OutgoingMessage], waiter: PublishWaiter) {
        if let failure {
            waiter.expire(failure)
            return
        }
        guard !waiter.isAnswered else { return }
        let batchNumber = nextBatch
        nextBatch += 1
        batches[batchNumber] = waiter
        if blocked {
            // Batches whose callers gave up are not kept until the alarm ends.
            waitingWhileBlocked.removeAll { entry in
                guard batches[entry.batch]?.isAnswered ?? true else { return false }
                batches.removeValue(forKey: entry.batch)
                return true
            }
            // Publishing on a blocked connection would block this thread indefinitely.
            waitingWhileBlocked.append((messages, batchNumber))
            return
        }
        send(messages, batch: batchNumber)
    }

    private func send(_ messages: [OutgoingMessage], batch: Int) {
        guard let state, let waiter = batches[batch] else { return }
        // Timed out or cancelled while the connection was blocked: nothing left to send.
        guard !waiter.isAnswered else {
            batches.removeValue(forKey: batch)
            return
        }
        let frameMax = Int(amqp_get_frame_max(state))
        for (index, message) in messages.enumerated() {
            let arena = CArena()
            let sequence = nextSequence
            var properties = Self.cProperties(message.properties, arena: arena)
            // Checked first: a header frame that fails to encode after its method frame
            // went out would make the broker close the connection, and the batch with it.
            if let problem = Self.encodingProblem(message, properties: &properties, frameMax: frameMax)
                ?? Self.sizeProblem(message, maxMessageSize: configuration.maxMessageSize) {
                logger.debug("amqp message cannot be encoded; not sent", metadata: [
                    "messageId": "\(message.properties.messageId ?? "-")", "reason": "\(problem)",
                ])
                resolveUnsent(batch: batch, index: index, outcome: .unencodable(reason: problem))
                continue
            }
            let status = amqp_basic_publish(
                state, Self.channel, arena.bytes(message.exchange), arena.bytes(message.routingKey),
                message.mandatory ? 1 : 0, 0, &properties, arena.bytes(message.body))
            guard status == AMQP_STATUS_OK.rawValue else {
                fail(.connectionLost("publish: \(Self.statusText(status))"))
                return
            }
            nextSequence += 1
            // Returns are matched by message id, those without one among themselves ("").
            let messageId = message.properties.messageId ?? ""
            pending[sequence] = PendingPublish(batch: batch, index: index, messageId: messageId, exchange: message.exchange)
            sequencesByMessageId[messageId, default: []].append(sequence)
        }
    }

    private func resolveUnsent(batch: Int, index: Int, outcome: PublishOutcome) {
        guard let waiter = batches[batch] else { return }
        waiter.resolve(index, outcome)
        if waiter.isAnswered { batches.removeValue(forKey: batch) }
    }

    /// Why the broker would refuse the message's size (closing the channel), or nil.
    static func sizeProblem(_ message: OutgoingMessage, maxMessageSize: Int) -> String? {
        guard message.body.count > maxMessageSize else { return nil }
        return "its body of \(message.body.count) bytes is over the broker's max_message_size of \(maxMessageSize)"
    }

    /// Why the message cannot be put into frames of `frameMax` bytes, or nil.
    static func encodingProblem(_ message: OutgoingMessage, properties: inout amqp_basic_properties_t, frameMax: Int) -> String? {
        if message.exchange.utf8.count > 255 { return "the exchange name is longer than 255 bytes" }
        if message.routingKey.utf8.count > 255 { return "the routing key is longer than 255 bytes" }
        // The header frame: 7 bytes of frame header, 12 of class, weight and body size, the end octet.
        let room = frameMax - 20
        guard room > 0 else { return "frame_max \(frameMax) is too small" }
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: room, alignment: 8)
        defer { buffer.deallocate() }
        let encoded = withUnsafeMutablePointer(to: &properties) { pointer in
            amqp_encode_properties(UInt16(AMQP_BASIC_CLASS), pointer, amqp_bytes_t(len: room, bytes: buffer))
        }
        guard encoded < 0 else { return nil }
        return "its properties and headers do not fit in one \(frameMax)-byte frame (\(statusText(encoded)))"
    }

    private func resolve(sequence: UInt64, multiple: Bool, outcome: PublishOutcome) {
        let sequences = multiple ? pending.keys.filter { $0 <= sequence } : [sequence]
        for sequence in sequences {
            guard let entry = pending.removeValue(forKey: sequence) else { continue }
            if var sequences = sequencesByMessageId[entry.messageId] {
                sequences.removeAll { $0 == sequence }
                sequencesByMessageId[entry.messageId] = sequences.isEmpty ? nil : sequences
            }
            guard let waiter = batches[entry.batch] else { continue }
            // A returned message is still acked afterwards; the return is what counts.
            waiter.resolve(entry.index, outcome == .confirmed ? (entry.returned ?? .confirmed) : outcome)
            if waiter.isAnswered { batches.removeValue(forKey: entry.batch) }
        }
    }

    static func cProperties(_ properties: MessageProperties, arena: CArena) -> amqp_basic_properties_t {
        var result = amqp_basic_properties_t()
        var flags: UInt32 = 0
        func set(_ value: String?, _ field: WritableKeyPath<amqp_basic_properties_t, amqp_bytes_t>, _ flag: Int32) {
            guard let value else { return }
            result[keyPath: field] = arena.bytes(value)
            flags |= UInt32(flag)
        }
        set(properties.contentType, \.content_type, AMQP_BASIC_CONTENT_TYPE_FLAG)
        set(properties.messageId, \.message_id, AMQP_BASIC_MESSAGE_ID_FLAG)
        set(properties.type, \.type, AMQP_BASIC_TYPE_FLAG)
        set(properties.correlationId, \.correlation_id, AMQP_BASIC_CORRELATION_ID_FLAG)
        set(properties.replyTo, \.reply_to, AMQP_BASIC_REPLY_TO_FLAG)
        set(properties.userId, \.user_id, AMQP_BASIC_USER_ID_FLAG)
        set(properties.appId, \.app_id, AMQP_BASIC_APP_ID_FLAG)
        if let value = properties.deliveryMode {
            result.delivery_mode = value
            flags |= UInt32(AMQP_BASIC_DELIVERY_MODE_FLAG)
        }
        if let value = properties.timestamp {
            result.timestamp = UInt64(max(0, value.timeIntervalSince1970))
            flags |= UInt32(AMQP_BASIC_TIMESTAMP_FLAG)
        }
        if !properties.headers.isEmpty {
            result.headers = arena.table(properties.headers)
            flags |= UInt32(AMQP_BASIC_HEADERS_FLAG)
        }
        result._flags = flags
        return result
    }

    static func swiftProperties(_ properties: amqp_basic_properties_t) -> MessageProperties {
        let flags = properties._flags
        func has(_ flag: Int32) -> Bool { flags & UInt32(flag) != 0 }
        return MessageProperties(
            contentType: has(AMQP_BASIC_CONTENT_TYPE_FLAG) ? properties.content_type.string : nil,
            deliveryMode: has(AMQP_BASIC_DELIVERY_MODE_FLAG) ? properties.delivery_mode : nil,
            messageId: has(AMQP_BASIC_MESSAGE_ID_FLAG) ? properties.message_id.string : nil,
            type: has(AMQP_BASIC_TYPE_FLAG) ? properties.type.string : nil,
            correlationId: has(AMQP_BASIC_CORRELATION_ID_FLAG) ? properties.correlation_id.string : nil,
            replyTo: has(AMQP_BASIC_REPLY_TO_FLAG) ? properties.reply_to.string : nil,
            userId: has(AMQP_BASIC_USER_ID_FLAG) ? properties.user_id.string : nil,
            appId: has(AMQP_BASIC_APP_ID_FLAG) ? properties.app_id.string : nil,
            timestamp: has(AMQP_BASIC_TIMESTAMP_FLAG) ? Date(timeIntervalSince1970: TimeInterval(properties.timestamp)) : nil,
            headers: has(AMQP_BASIC_HEADERS_FLAG) ? properties.headers.fields : [:]
        )
    }

    // MARK: Consuming

    /// Starts a consumer with `prefetch` unacknowledged deliveries at most; with `noAck`
    /// the broker counts a delivery as acknowledged when it sends it (direct reply-to
    /// demands it) and `prefetch` does not apply.
    func startConsumer(
        queue: String, prefetch: UInt16, noAck: Bool = false, continuation: AsyncThrowingStream<Delivery, any Error>.Continuation
    ) throws -> String {
        guard let state else { throw failure ?? .closed }
        if !noAck {
            _ = amqp_basic_qos(state, Self.channel, 0, prefetch, 0)
            try check(amqp_get_rpc_reply(state), context: "basic.qos")
        }
        let arena = CArena()
        let reply = amqp_basic_consume(state, Self.channel, arena.bytes(queue), amqp_empty_bytes, 0, noAck ? 1 : 0, 0, amqp_empty_table)
        try check(amqp_get_rpc_reply(state), context: "consuming from \(queue)")
        guard let reply else { throw AMQPError.connectionLost("basic.consume-ok missing") }
        let tag = reply.pointee.consumer_tag.string
        consumers[tag] = continuation
        if !noAck { acknowledgingConsumers.insert(tag) }
        return tag
    }

    /// Stops a consumer: no new deliveries; those already received can still be acked.
    func cancelConsumer(tag: String) throws {
        guard let state, let continuation = consumers.removeValue(forKey: tag) else { return }
        let arena = CArena()
        _ = amqp_basic_cancel(state, Self.channel, arena.bytes(tag))
        try check(amqp_get_rpc_reply(state), context: "basic.cancel")
        continuation.finish()
    }

    /// Acknowledges the deliveries `tags` name with as few frames as it can: one
    /// `basic.ack multiple=true` for the longest run of the oldest unsettled deliveries
    /// that are all among them (other consumers' deliveries on this channel are never
    /// covered), then one ack for each of the rest. A tag already settled is skipped: a
    /// second ack would make the broker close the channel.
    func acknowledge(tags: [UInt64]) {
        guard let state else { return }
        var acking = Set(tags)
        let covered = unsettled.prefix { acking.contains($0) }.count
        if covered > 0 {
            let last = unsettled[covered - 1]
            acking.subtract(unsettled.prefix(covered))
            unsettled.removeFirst(covered)
            let status = amqp_basic_ack(state, Self.channel, last, 1)
            if status != AMQP_STATUS_OK.rawValue { return fail(.connectionLost("ack: \(Self.statusText(status))")) }
        }
        for tag in acking.sorted() where settle(tag) {
            let status = amqp_basic_ack(state, Self.channel, tag, 0)
            if status != AMQP_STATUS_OK.rawValue { return fail(.connectionLost("ack: \(Self.statusText(status))")) }
        }
    }

    func negativeAcknowledge(_ tag: UInt64, requeue: Bool) {
        guard let state else { return }
        let status = amqp_basic_nack(state, Self.channel, tag, 0, requeue ? 1 : 0)
        _ = settle(tag)
        if status != AMQP_STATUS_OK.rawValue { fail(.connectionLost("nack: \(Self.statusText(status))")) }
    }

    /// Forgets an unsettled delivery; false when it was not (any more) unsettled.
    private func settle(_ tag: UInt64) -> Bool {
        var low = 0
        var high = unsettled.count
        while low < high {
            let middle = (low + high) / 2
            if unsettled[middle] < tag { low = middle + 1 } else { high = middle }
        }
        guard low < unsettled.count, unsettled[low] == tag else { return false }
        unsettled.remove(at: low)
        return true
    }

    // MARK: Reading frames

    private func readAvailableFrames() {
        var zero = timeval(tv_sec: 0, tv_usec: 0)
        while let state, failure == nil {
            amqp_maybe_release_buffers(state)
            var envelope = amqp_envelope_t()
            let reply = amqp_consume_message(state, &envelope, &zero, 0)
            switch reply.reply_type {
            case AMQP_RESPONSE_NORMAL:
                deliver(envelope)
                amqp_destroy_envelope(&envelope)
            case AMQP_RESPONSE_LIBRARY_EXCEPTION where reply.library_error == AMQP_STATUS_TIMEOUT.rawValue:
                return
            case AMQP_RESPONSE_LIBRARY_EXCEPTION where reply.library_error == AMQP_STATUS_UNEXPECTED_STATE.rawValue:
                var frame = amqp_frame_t()
                let status = amqp_simple_wait_frame(state, &frame)
                guard status == AMQP_STATUS_OK.rawValue else {
                    fail(.connectionLost("reading a frame: \(Self.statusText(status))"))
                    return
                }
                handle(frame)
            case AMQP_RESPONSE_SERVER_EXCEPTION:
                fail(closeError(method: reply.reply, context: "while reading"))
                return
            default:
                fail(.connectionLost(Self.statusText(reply.library_error)))
                return
            }
        }
    }

    private func deliver(_ envelope: amqp_envelope_t) {
        let tag = envelope.consumer_tag.string
        guard let continuation = consumers[tag] else {
            // A delivery for a consumer we cancelled: let the broker hand it to another.
            negativeAcknowledge(envelope.delivery_tag, requeue: true)
            return
        }
        if acknowledgingConsumers.contains(tag) { unsettled.append(envelope.delivery_tag) }
        let delivery = Delivery(
            deliveryTag: envelope.delivery_tag,
            redelivered: envelope.redelivered != 0,
            exchange: envelope.exchange.string,
            routingKey: envelope.routing_key.string,
            properties: Self.swiftProperties(envelope.message.properties),
            body: envelope.message.body.array,
            connection: self
        )
        continuation.yield(delivery)
    }

    private func handle(_ frame: amqp_frame_t) {
        guard frame.frame_type == UInt8(AMQP_FRAME_METHOD), let state else { return }
        let method = frame.payload.method
        switch method.id {
        case Method.basicAck:
            let ack = method.decoded.assumingMemoryBound(to: amqp_basic_ack_t.self).pointee
            resolve(sequence: ack.delivery_tag, multiple: ack.multiple != 0, outcome: .confirmed)
        case Method.basicNack:
            let nack = method.decoded.assumingMemoryBound(to: amqp_basic_nack_t.self).pointee
            resolve(sequence: nack.delivery_tag, multiple: nack.multiple != 0, outcome: .nacked)
        case Method.basicReturn:
            let returned = method.decoded.assumingMemoryBound(to: amqp_basic_return_t.self).pointee
            let outcome = PublishOutcome.returned(code: Int(returned.reply_code), text: returned.reply_text.string)
            var message = amqp_message_t()
            let reply = amqp_read_message(state, frame.channel, &message, 0)
            guard reply.reply_type == AMQP_RESPONSE_NORMAL else {
                fail(.connectionLost("reading a returned message"))
                return
            }
            let properties = Self.swiftProperties(message.properties)
            amqp_destroy_message(&message)
            // A return names no delivery tag: when several unconfirmed publishes share its id,
            // each is reported returned, so a caller retries them all rather than lose one.
            for sequence in sequencesByMessageId[properties.messageId ?? ""] ?? [] {
                pending[sequence]?.returned = outcome
            }
        case Method.connectionBlocked:
            blocked = true
            isBlockedFlag.store(true, ordering: .releasing)
            logger.warning("amqp connection blocked by the broker (resource alarm)", metadata: ["broker": "\(configuration)"])
        case Method.connectionUnblocked:
            blocked = false
            isBlockedFlag.store(false, ordering: .releasing)
            logger.info("amqp connection unblocked", metadata: ["broker": "\(configuration)"])
            let waiting = waitingWhileBlocked
            waitingWhileBlocked.removeAll()
            for entry in waiting { send(entry.messages, batch: entry.batch) }
        case Method.basicCancel:
            let cancel = method.decoded.assumingMemoryBound(to: amqp_basic_cancel_t.self).pointee
            let tag = cancel.consumer_tag.string
            // The queue went away (deleted, or its node failed): reconnecting re-declares it.
            fail(.brokerClosed(code: 0, text: "consumer \(tag) cancelled by the broker", context: "consumer"))
        case Method.channelClose, Method.connectionClose:
            fail(closeError(method: method, context: "unexpectedly"))
        default:
            break
        }
    }

    static func statusText(_ status: Int32) -> String {
        guard let text = amqp_error_string2(status) else { return "status \(status)" }
        return String(cString: text)
    }
}

/// AMQP method ids (class << 16 | method) the loop reacts to.
enum Method {
    static let connectionClose: amqp_method_number_t = 0x000A_0032
    static let connectionCloseOk: amqp_method_number_t = 0x000A_0033
    static let connectionBlocked: amqp_method_number_t = 0x000A_003C
    static let connectionUnblocked: amqp_method_number_t = 0x000A_003D
    static let channelClose: amqp_method_number_t = 0x0014_0028
    static let channelCloseOk: amqp_method_number_t = 0x0014_0029
    static let basicCancel: amqp_method_number_t = 0x003C_001E
    static let basicReturn: amqp_method_number_t = 0x003C_0032
    static let basicAck: amqp_method_number_t = 0x003C_0050
    static let basicNack: amqp_method_number_t = 0x003C_0078
}
