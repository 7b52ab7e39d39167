import AMQP
import Contract
import Foundation
import Logging
import Messaging
import TestSupport
import Testing

/// A refused message always reaches its rejected queue, however large it was.
@Suite("Rejected copies on a real broker")
struct RejectedCopyTests {
    let logger = Logger(label: "test.rejected-copy")

    /// A connection with two new queues: where originals arrive, and where their copies go.
    func connect() async throws -> (connection: AMQPConnection, source: String, rejected: String) {
        let configuration = try AMQPConfiguration(url: TestEnvironment.amqpURL(), connectionName: "rejected-copy-tests")
        let source = TestEnvironment.uniqueName("copy.source")
        let rejected = TestEnvironment.uniqueName("copy.rejected")
        let connection = try await AMQPConnection.connect(
            configuration, topology: Topology(queues: [.quorum(source), .quorum(rejected)]), logger: logger)
        return (connection, source, rejected)
    }

    /// Publishes `message` to `queue` and returns it as delivered.
    func roundTrip(_ message: OutgoingMessage, queue: String, on connection: AMQPConnection) async throws -> Delivery {
        var message = message
        message.routingKey = queue
        let outcomes = try await connection.publish([message])
        #expect(outcomes == [.confirmed], "\(outcomes)")
        let consumer = try await connection.consume(queue: queue, prefetch: 1)
        for try await delivery in consumer.deliveries {
            delivery.ack()
            try await consumer.cancel()
            return delivery
        }
        throw AMQPError.closed
    }

    /// The largest header value (in steps of 64 bytes) with which `message` still fits in a frame.
    func largestFittingHeader(_ message: OutgoingMessage) -> Int {
        // Far below a 131,072-byte frame's room, to start the search near its end.
        var size = 120_000
        while true {
            var candidate = message
            candidate.properties.headers["x-big"] = .string(String(repeating: "h", count: size + 64))
            if candidate.encodingProblem() != nil { return size }
            size += 64
        }
    }

    @Test("a body over 64 KiB is cut to its first 64 KiB with its size, and headers too large to re-send are dropped, saying so")
    func oversizedCopyArrives() async throws {
        let (connection, source, rejected) = try await connect()
        let body = (0..<100_000).map { UInt8(truncatingIfNeeded: $0) }
        var original = OutgoingMessage(
            exchange: "", routingKey: source, properties: .persistentJSON(messageId: "big-1", type: "readmission.v1"), body: body)
        original.properties.headers["x-small"] = .string("kept only when there is room")
        // Headers that just fit when sent: with the reasons added, they no longer would.
        original.properties.headers["x-big"] = .string(String(repeating: "h", count: largestFittingHeader(original)))
        #expect(original.encodingProblem() == nil)
        let delivery = try await roundTrip(original, queue: source, on: connection)
        #expect(delivery.body.count == 100_000)

        let copy = OutgoingMessage.rejectedCopy(
            of: delivery, exchange: "", routingKey: rejected, reason: .tooLarge, detail: String(repeating: "d", count: 1000))
        #expect(copy.encodingProblem() == nil)
        let arrived = try await roundTrip(copy, queue: rejected, on: connection)
        #expect(arrived.body == Array(body.prefix(65_536)))
        #expect(arrived.properties.headers["x-original-size"] == .int(100_000))
        #expect(arrived.properties.headers["x-original-headers-dropped"] == .int(2))
        #expect(arrived.properties.headers["x-big"] == nil)
        #expect(arrived.properties.headers["x-rejection-reason"] == .string("too-large"))
        #expect(arrived.properties.messageId == "big-1")
        #expect(arrived.properties.type == "readmission.v1")
        await connection.close()
    }

    @Test("a small refused message is copied whole, headers kept")
    func smallCopyIsWhole() async throws {
        let (connection, source, rejected) = try await connect()
        var original = OutgoingMessage(
            exchange: "", routingKey: source, properties: .persistentJSON(messageId: "small-1", type: "readmission.v1"),
            body: Array(String(repeating: "x", count: 65_536).utf8))
        original.properties.headers["x-trace"] = .string("t-1")
        let delivery = try await roundTrip(original, queue: source, on: connection)
        let copy = OutgoingMessage.rejectedCopy(of: delivery, exchange: "", routingKey: rejected, reason: .notJSON, detail: "not JSON")
        let arrived = try await roundTrip(copy, queue: rejected, on: connection)
        #expect(arrived.body == original.body)
        #expect(arrived.properties.headers["x-trace"] == .string("t-1"))
        #expect(arrived.properties.headers["x-original-size"] == nil)
        #expect(arrived.properties.headers["x-original-headers-dropped"] == nil)
        await connection.close()
    }
}
