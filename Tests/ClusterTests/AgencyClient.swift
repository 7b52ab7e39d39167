import AMQP
import Contract
import Foundation
import Synchronization
import TestSupport

/// Plays an agency with its own account: publishes status updates and collects the
/// `referral-status-outcome.v1` answers on a server-named queue and on direct reply-to.
final class AgencyClient: Sendable {
    /// Where an update asks to be answered.
    enum ReplyAddress: Sendable {
        case serverNamed, direct, none
        case other(String)
    }

    let connection: AMQPConnection
    let code: String
    let user: String
    let replyQueue: String
    /// Answer bodies by correlation id, in arrival order: a second answer would show.
    private let received = Mutex<[String: [[UInt8]]]>([:])
    private let readers = Mutex<[Task<Void, Never>]>([])

    private init(connection: AMQPConnection, code: String, user: String, replyQueue: String) {
        self.connection = connection
        self.code = code
        self.user = user
        self.replyQueue = replyQueue
    }

    /// The environment variable with a sample agency's URL (deploy/local/test exports it).
    static func urlVariable(_ code: String) -> String {
        "REINTEGRATION_TEST_AGENCY_\(code.uppercased().replacingOccurrences(of: ".", with: "_"))_AMQP_URL"
    }

    /// Connects as the sample agency `code`, listening on a server-named queue and on direct reply-to.
    static func connect(_ code: String) async throws -> AgencyClient {
        let configuration = try AMQPConfiguration(url: TestEnvironment.value(urlVariable(code)), connectionName: "agency-test-\(code)")
        let connection = try await AMQPConnection.connect(configuration, logger: .init(label: "test.agency"))
        let replyQueue = try await connection.declareReplyQueue()
        let serverNamed = try await connection.consume(queue: replyQueue, prefetch: 100)
        let direct = try await connection.consumeDirectReplies()
        let client = AgencyClient(connection: connection, code: code, user: configuration.user, replyQueue: replyQueue)
        client.collect(serverNamed, acknowledge: true)
        client.collect(direct, acknowledge: false)
        return client
    }

    private func collect(_ consumer: AMQPConsumer, acknowledge: Bool) {
        let task = Task {
            do {
                for try await delivery in consumer.deliveries {
                    if acknowledge { delivery.ack() }
                    self.received.withLock { $0[delivery.properties.correlationId ?? "", default: []].append(delivery.body) }
                }
            } catch {}
        }
        readers.withLock { $0.append(task) }
    }

    /// A `referral-status.v1` body.
    static func update(referralId: String, status: String, note: String? = nil) -> [UInt8] {
        var body: [String: Any] = [
            "schema": "referral-status.v1", "referralId": referralId, "status": status, "at": "2026-06-01T10:00:00+04:00",
            "officer": "officer-1",
        ]
        if let note { body["note"] = note }
        return Records.bytes(body)
    }

    /// Publishes `body` (a status update unless given) as this agency and returns its ids.
    @discardableResult
    func send(
        _ body: [UInt8], messageId: String = UUID().uuidString, correlationId: String = UUID().uuidString,
        replyTo: ReplyAddress = .serverNamed, signed: Bool = true
    ) async throws -> (messageId: String, correlationId: String) {
        var properties = MessageProperties.persistentJSON(messageId: messageId, type: MessageType.referralStatus)
        properties.correlationId = correlationId
        if signed { properties.userId = user }
        switch replyTo {
        case .serverNamed: properties.replyTo = replyQueue
        case .direct: properties.replyTo = AMQPConnection.directReplyTo
        case .other(let name): properties.replyTo = name
        case .none: break
        }
        let outcome = try await connection.publish([OutgoingMessage(
            exchange: ExchangeName.agencyUpdates, routingKey: code, properties: properties, body: body)])
        guard outcome == [.confirmed] else { throw ServiceProcessError(name: "agency", problem: "publish not confirmed: \(outcome)") }
        return (messageId, correlationId)
    }

    /// Every answer received so far for `correlationId`.
    func answers(_ correlationId: String) -> [[String: Any]] {
        let bodies = received.withLock { $0[correlationId] ?? [] }
        return bodies.map { (try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any]) ?? [:] }
    }

    /// The first answer for `correlationId`, waiting for it; nil when none came in time.
    func answer(_ correlationId: String, timeout: Duration = .seconds(30)) async throws -> [String: Any]? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let first = answers(correlationId).first { return first }
            try await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    func close() async {
        for reader in readers.withLock({ $0 }) { reader.cancel() }
        await connection.close()
    }
}
