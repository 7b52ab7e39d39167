import AMQP
import Contract
import Foundation
import Logging
import Postgres
import TestSupport
import Testing

extension ClusterProcesses {
    /// Contract v1.1's trust boundaries, played as an attacker would: a second SMS system
    /// (`sms-other`) and a service account against the real broker and services.
    @Suite("Trust boundaries on real servers", .serialized)
    struct TrustBoundaryTests {
        let logger = Logger(label: "test.trust")

        static func otherSystem() async throws -> SMSClient {
            try await SMSClient.connect(url: TestEnvironment.value("REINTEGRATION_TEST_SMS_OTHER_AMQP_URL"))
        }

        func consumeRefusal(url: String, queue: String) async throws -> AMQPError? {
            try await BrokerProbe.consumeRefusal(url: url, queue: queue, logger: logger)
        }

        @Test("a reply_to naming someone else's queue gets no reply, and the record is still handled")
        func replyToInjection() async throws {
            try await TestCluster.with(only: ["intake"]) { cluster in
                // The victim: a queue the attacker must not be able to write into.
                let victim = "trust.victim-\(UUID().uuidString.prefix(8).lowercased())"
                try await cluster.broker.declare(Topology(queues: [.quorum(victim)]))
                let sms = try await SMSClient.connect()
                let reference = "SMS-RT-\(UUID().uuidString.prefix(8))"
                _ = try await sms.publish(Records.bytes(Records.readmission(smsReference: reference)), replyQueue: victim)
                let opened = try await cluster.waitForCount(
                    "SELECT count(*) FROM intake.cases WHERE sms_reference = $1", [.text(reference)], toBe: 1)
                #expect(opened == 1, "the record was dropped over its reply address")
                // A refused record with the same reply_to: its refusal is kept, but no reply either.
                let refused = try await sms.publish(Array("{not json".utf8), replyQueue: victim)
                _ = refused
                let found = try await cluster.firstMessage(in: victim, timeout: .seconds(5)) { _ in true }
                #expect(found == nil, "intake wrote into a queue named by reply_to")
                // The same record with a server-named reply queue is answered (a duplicate now).
                let correlation = try await sms.publish(Records.bytes(Records.readmission(smsReference: reference)))
                #expect(try await sms.reply(correlationId: correlation)["outcome"] as? String == "duplicate")
                await sms.close()
                let vhost = try AMQPConfiguration(url: TestEnvironment.amqpURL(), connectionName: "trust-test").virtualHost
                _ = try await ManagementAPI.fromEnvironment().request("DELETE", "/api/queues/\(vhost)/\(victim)")
            }
        }

        @Test("consent from a system that did not register the record is wrong-sender and changes nothing")
        func consentFromStranger() async throws {
            try await TestCluster.with(only: ["intake"]) { cluster in
                let owner = try await SMSClient.connect()
                let stranger = try await Self.otherSystem()
                #expect(owner.user != stranger.user)
                let reference = "SMS-CS-\(UUID().uuidString.prefix(8))"
                let registered = try await owner.publish(Records.bytes(Records.readmission(smsReference: reference, dataSharing: false)))
                let accepted = try await owner.reply(correlationId: registered)
                #expect(accepted["outcome"] as? String == "accepted")
                let caseId = try #require(accepted["caseId"] as? String)

                let consent = Records.bytes(["schema": "consent.v1", "smsReference": reference, "dataSharing": true])
                let messageId = "stranger-consent-\(UUID())"
                let attempt = try await stranger.publish(consent, type: MessageType.consent, messageId: messageId)
                let refusal = try await stranger.reply(correlationId: attempt)
                #expect(refusal["outcome"] as? String == "rejected")
                #expect(refusal["reason"] as? String == RejectionReason.wrongSender.rawValue)
                #expect(refusal["caseId"] == nil || refusal["caseId"] is NSNull, "the stranger learned the case id")
                #expect(try await cluster.count(
                    "SELECT count(*) FROM intake.cases WHERE sms_reference = $1 AND consent_status = 'awaiting'", [.text(reference)]) == 1)
                #expect(try await cluster.count(
                    "SELECT count(*) FROM intake.outbox WHERE message_id = $1", [.text("consent-released:\(caseId.lowercased())")]) == 0)
                #expect(try await cluster.count(
                    "SELECT count(*) FROM intake.outbox WHERE message_id = $1", [.text("consent-released:\(caseId.uppercased())")]) == 0)
                // The refused copy is in the stranger's own queue, with the reason.
                let copy = try await cluster.firstMessage(in: stranger.rejectedQueue) { $0.properties.messageId == messageId }
                #expect(copy?.properties.headers[RejectionHeader.reason] == .string(RejectionReason.wrongSender.rawValue))

                // A record under the owner's reference from the stranger is refused the same way.
                let copied = try await stranger.publish(Records.bytes(Records.readmission(smsReference: reference, dataSharing: false)))
                let copiedReply = try await stranger.reply(correlationId: copied)
                #expect(copiedReply["reason"] as? String == RejectionReason.wrongSender.rawValue)
                #expect(copiedReply["caseId"] == nil || copiedReply["caseId"] is NSNull)

                // The registering system's own consent releases the case.
                let own = try await owner.publish(consent, type: MessageType.consent)
                #expect(try await owner.reply(correlationId: own)["outcome"] as? String == "accepted")
                #expect(try await cluster.waitForCount(
                    "SELECT count(*) FROM intake.cases WHERE sms_reference = $1 AND consent_status = 'given'", [.text(reference)], toBe: 1) == 1)
                await owner.close()
                await stranger.close()
            }
        }

        @Test("a message without user_id is refused as missing-sender into the unattributed queue")
        func missingSender() async throws {
            try await TestCluster.with(only: ["intake"]) { cluster in
                let sms = try await SMSClient.connect()
                let messageId = "unsigned-\(UUID())"
                let correlation = try await sms.publish(Records.bytes(Records.readmission()), messageId: messageId, signed: false)
                #expect(try await sms.reply(correlationId: correlation)["reason"] as? String == RejectionReason.missingSender.rawValue)
                let copy = try await cluster.firstMessage(in: QueueName.intakeRejectedUnattributed) { $0.properties.messageId == messageId }
                #expect(copy?.properties.headers[RejectionHeader.reason] == .string(RejectionReason.missingSender.rawValue))
                await sms.close()
            }
        }

        @Test("an SMS system reads only its own refusals")
        func refusalsPerSystem() async throws {
            try await TestCluster.with(only: ["intake"]) { cluster in
                let owner = try await SMSClient.connect()
                let messageId = "refused-\(UUID())"
                let correlation = try await owner.publish(Array("{not json".utf8), messageId: messageId)
                #expect(try await owner.reply(correlationId: correlation)["reason"] as? String == "not-json")
                let stranger = try TestEnvironment.value("REINTEGRATION_TEST_SMS_OTHER_AMQP_URL")
                for queue in [owner.rejectedQueue, QueueName.intakeRejectedUnattributed, QueueName.intakeRejectedV1, QueueName.agencyUpdatesRejected] {
                    let refusal = try await consumeRefusal(url: stranger, queue: queue)
                    guard case .brokerClosed(403, _, _)? = refusal else {
                        Issue.record("sms-other could read \(queue): \(String(describing: refusal))")
                        continue
                    }
                }
                // The owner reads its own, and its refusal is there.
                #expect(try await consumeRefusal(url: TestEnvironment.value("REINTEGRATION_TEST_SMS_LOCAL_AMQP_URL"), queue: owner.rejectedQueue) == nil)
                let copy = try await cluster.firstMessage(in: owner.rejectedQueue) { $0.properties.messageId == messageId }
                #expect(copy != nil)
                await owner.close()
            }
        }

        @Test("no service account but intake's may publish through the default exchange")
        func defaultExchangeIsIntakesAlone() async throws {
            for service in ["referral", "escalation", "notification"] {
                let url = try TestEnvironment.value("REINTEGRATION_TEST_\(service.uppercased())_AMQP_URL")
                let connection = try await AMQPConnection.connect(AMQPConfiguration(url: url, connectionName: "trust-test"), logger: logger)
                var properties = MessageProperties.persistentJSON(messageId: "forged-\(UUID())", type: MessageType.referral)
                properties.userId = nil
                let forged = OutgoingMessage(
                    exchange: ExchangeName.defaultExchange, routingKey: QueueName.referrals(agency: "health"), properties: properties,
                    body: Array(#"{"schema":"referral.v1"}"#.utf8))
                do {
                    let outcome = try await connection.publish([forged])
                    Issue.record("svc-\(service) published into referrals.health through the default exchange: \(outcome)")
                } catch let error as AMQPError {
                    guard case .brokerClosed(403, _, _) = error else {
                        Issue.record("svc-\(service): expected 403, got \(error)")
                        await connection.close()
                        continue
                    }
                }
                await connection.close()
            }
        }

        @Test("a district of the catalogue that no agency serves stops the referral service with exit 78, naming it")
        func districtCatalogueMatchesPolicy() async throws {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("districts-\(UUID()).json")
            try Data(#"["binagadi", "atlantis-bay"]"#.utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let referral = try ServiceProcess(
                name: "referral", httpPort: 20_990 + Int(getpid() % 9), extraEnvironment: ["DISTRICTS_FILE": file.path])
            try referral.start()
            for _ in 0..<300 where referral.isRunning { try await Task.sleep(for: .milliseconds(100)) }
            #expect(!referral.isRunning, "the referral service started with a district no agency serves")
            #expect(referral.exitStatus == 78)
            #expect(referral.log().contains("atlantis-bay"), "\(referral.log())")
            await referral.stop()
        }
    }
}
