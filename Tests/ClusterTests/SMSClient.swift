import AMQP
import Contract
import Foundation
import TestSupport

/// Plays an SMS registration system: publishes records to `intake` and reads the
/// outcome replies on its own server-named queue.
struct SMSClient {
    let connection: AMQPConnection
    let replyQueue: String
    let replies: AMQPConsumer
    /// The account it logs in as, which every message carries as `user_id`.
    let user: String

    /// Where its refusals go.
    var rejectedQueue: String { QueueName.intakeRejected(account: user) }

    /// Connects as the sample SMS system `sms-local` (or the account of `url`).
    static func connect(url: String? = nil) async throws -> SMSClient {
        let configuration = try AMQPConfiguration(
            url: url ?? TestEnvironment.value("REINTEGRATION_TEST_SMS_LOCAL_AMQP_URL"), connectionName: "sms-test")
        let connection = try await AMQPConnection.connect(configuration, logger: .init(label: "test.sms"))
        let replyQueue = try await connection.declareReplyQueue()
        let replies = try await connection.consume(queue: replyQueue, prefetch: 100)
        return SMSClient(connection: connection, replyQueue: replyQueue, replies: replies, user: configuration.user)
    }

    func publish(_ body: [UInt8], type: String = MessageType.readmission, messageId: String? = UUID().uuidString,
                 correlationId: String = UUID().uuidString, replyTo: Bool = true, signed: Bool = true,
                 replyQueue explicitReplyQueue: String? = nil) async throws -> String {
        var properties = MessageProperties(contentType: "application/json", deliveryMode: 2, messageId: messageId, type: type)
        properties.correlationId = correlationId
        if signed { properties.userId = user }
        if replyTo { properties.replyTo = explicitReplyQueue ?? replyQueue }
        let outcome = try await connection.publish([OutgoingMessage(
            exchange: ExchangeName.intake, routingKey: type, properties: properties, body: body)])
        guard outcome == [.confirmed] else { throw ServiceProcessError(name: "sms", problem: "publish not confirmed: \(outcome)") }
        return correlationId
    }

    /// The reply with this correlation id, as a JSON object.
    func reply(correlationId: String, timeout: Duration = .seconds(30)) async throws -> [String: Any] {
        let body = try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
            group.addTask {
                for try await delivery in replies.deliveries {
                    delivery.ack()
                    if delivery.properties.correlationId == correlationId { return delivery.body }
                }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            guard let first else { throw ServiceProcessError(name: "sms", problem: "no reply for \(correlationId)") }
            return first
        }
        return (try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]) ?? [:]
    }

    func close() async { await connection.close() }
}

/// Readmission records for tests.
enum Records {
    static func readmission(
        smsReference: String = "SMS-T-\(UUID().uuidString.prefix(8))", personalId: String? = nil, dataSharing: Bool = true,
        needs: [String] = ["health", "employment"], childBirthDate: String? = "2016-03-01", birthDate: String = "1990-02-14",
        firstName: String = "Əli"
    ) -> [String: Any] {
        var person: [String: Any] = [
            "firstName": firstName, "lastName": "Məmmədov", "patronymic": "Vüqar oğlu", "birthDate": birthDate, "sex": "male",
            "phone": "+994501234567", "address": ["district": "binagadi", "line": "M. Rəsulzadə qəs., 12"],
        ]
        if let personalId { person["personalId"] = personalId }
        var record: [String: Any] = [
            "schema": "readmission.v1", "smsReference": smsReference, "readmittedAt": "2026-05-29T10:15:00+04:00",
            "agreement": ["country": "DE", "reference": "RA-DE-2026-77"], "borderPoint": "GYD", "person": person,
            "needs": needs, "notes": "confidential working-group note",
            "consent": ["dataSharing": dataSharing, "recordedAt": "2026-05-29T10:20:00+04:00"],
        ]
        if let childBirthDate {
            record["family"] = [["relation": "child", "firstName": "Aysel", "birthDate": childBirthDate]]
        }
        return record
    }

    static func bytes(_ object: [String: Any]) -> [UInt8] {
        Array(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    /// A random FIN (7 of 0-9 A-Z).
    static func personalId() -> String {
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ")
        return String((0..<7).map { _ in alphabet.randomElement()! })
    }
}
