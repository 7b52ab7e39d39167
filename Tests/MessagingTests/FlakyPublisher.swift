import AMQP
import Synchronization

/// Publishes through a real client, but while `failAfter` is set, only that many messages
/// of each batch: the rest come back unconfirmed, as if the connection dropped mid-batch.
final class FlakyPublisher: MessagePublisher {
    let client: AMQPClient
    let failAfter: Mutex<Int?>

    init(client: AMQPClient, failAfter: Int?) {
        self.client = client
        self.failAfter = Mutex(failAfter)
    }

    func publish(_ messages: [OutgoingMessage]) async throws -> [PublishOutcome] {
        let limit = min(failAfter.withLock { $0 } ?? messages.count, messages.count)
        let sent = try await client.publish(Array(messages.prefix(limit)))
        return sent + Array(repeating: .unconfirmed(.connectionLost("dropped by the test")), count: messages.count - limit)
    }
}
