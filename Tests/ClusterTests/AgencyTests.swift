import AMQP
import Contract
import Foundation
import Postgres
import TestSupport
import Testing

extension ClusterProcesses {
    /// Agencies with their own broker accounts: they read only their queue, publish only
    /// under their own code, and change only their own referrals.
    @Suite("Agencies on the real broker", .serialized)
    struct AgencyTests {
        func agencyConnection(_ code: String) async throws -> AMQPConnection {
            let variable = "REINTEGRATION_TEST_AGENCY_\(code.uppercased().replacingOccurrences(of: ".", with: "_"))_AMQP_URL"
            return try await AMQPConnection.connect(
                AMQPConfiguration(url: TestEnvironment.value(variable), connectionName: "agency-test-\(code)"), logger: .init(label: "test.agency"))
        }

        func statusUpdate(referralId: String, status: String, note: String? = nil, from agency: String, userId: String? = nil, routingKey: String? = nil) -> OutgoingMessage {
            var body: [String: Any] = ["schema": "referral-status.v1", "referralId": referralId, "status": status, "at": "2026-06-01T10:00:00+04:00", "officer": "officer-1"]
            if let note { body["note"] = note }
            var properties = MessageProperties.persistentJSON(messageId: UUID().uuidString, type: MessageType.referralStatus)
            properties.userId = userId ?? AccountName.agency(agency)
            return OutgoingMessage(exchange: ExchangeName.agencyUpdates, routingKey: routingKey ?? agency, properties: properties, body: Records.bytes(body))
        }

        /// Opens a case with health and employment needs and returns its health referral id.
        func openCase(_ cluster: TestCluster) async throws -> (caseId: String, referralId: String) {
            let sms = try await SMSClient.connect(url: TestEnvironment.value("REINTEGRATION_TEST_SMS_LOCAL_AMQP_URL"))
            let correlation = try await sms.publish(Records.bytes(Records.readmission(childBirthDate: nil)))
            let caseId = try #require(try await sms.reply(correlationId: correlation)["caseId"] as? String)
            await sms.close()
            _ = try await cluster.waitForCount("SELECT count(*) FROM referral.referrals WHERE case_id = $1::uuid", [.text(caseId)], toBe: 3)
            let referralId = try await cluster.database.withConnection { connection in
                try connection.query("SELECT referral_id::text FROM referral.referrals WHERE case_id = $1::uuid AND agency = 'health'", [.text(caseId)])[0][0].decode(String.self)
            }
            return (caseId, referralId)
        }

        func rejection(for messageId: String, cluster: TestCluster) async throws -> Delivery? {
            try await cluster.firstMessage(in: QueueName.agencyUpdatesRejected) { $0.properties.messageId == messageId }
        }

        @Test("an agency reads its referral and moves it along; others cannot touch it")
        func agencyLifecycle() async throws {
            try await TestCluster.with(only: ["intake", "referral"]) { cluster in
                let (caseId, referralId) = try await openCase(cluster)
                let health = try await agencyConnection("health")
                let labour = try await agencyConnection("labour")

                // The health ministry reads its own queue.
                let consumer = try await health.consume(queue: QueueName.referrals(agency: "health"), prefetch: 100)
                let wanted = referralId.lowercased()
                let seen = try await withThrowingTaskGroup(of: Bool.self) { group in
                    group.addTask {
                        for try await delivery in consumer.deliveries {
                            delivery.ack()
                            if String(decoding: delivery.body, as: UTF8.self).lowercased().contains(wanted) { return true }
                        }
                        return false
                    }
                    group.addTask {
                        try await Task.sleep(for: .seconds(30))
                        return false
                    }
                    let first = try await group.next() ?? false
                    group.cancelAll()
                    return first
                }
                #expect(seen)
                try await consumer.cancel()

                // Acknowledged, then the same again (a duplicate), then in progress.
                #expect(try await health.publish([statusUpdate(referralId: referralId, status: "acknowledged", from: "health")]) == [.confirmed])
                let status = "SELECT count(*) FROM referral.referrals WHERE referral_id = $1::uuid AND status = $2"
                #expect(try await cluster.waitForCount(status, [.text(referralId), .text("acknowledged")], toBe: 1) == 1)
                #expect(try await health.publish([statusUpdate(referralId: referralId, status: "acknowledged", from: "health")]) == [.confirmed])
                #expect(try await health.publish([statusUpdate(referralId: referralId, status: "in-progress", from: "health")]) == [.confirmed])
                #expect(try await cluster.waitForCount(status, [.text(referralId), .text("in-progress")], toBe: 1) == 1)
                let history = try await cluster.count("SELECT count(*) FROM referral.status_history WHERE referral_id = $1::uuid AND actor = 'agency-health'", [.text(referralId)])
                #expect(history == 2)

                // Going back is refused with its reason.
                let backwards = statusUpdate(referralId: referralId, status: "acknowledged", from: "health")
                #expect(try await health.publish([backwards]) == [.confirmed])
                let refusedBackwards = try #require(try await rejection(for: backwards.properties.messageId!, cluster: cluster))
                #expect(refusedBackwards.properties.headers["x-rejection-reason"] == .string("invalid-transition"))
                #expect(refusedBackwards.properties.headers["x-original-user-id"] == .string("agency-health"))

                // Declining needs a note.
                let bareDecline = statusUpdate(referralId: referralId, status: "declined", from: "health")
                #expect(try await health.publish([bareDecline]) == [.confirmed])
                let refusedDecline = try #require(try await rejection(for: bareDecline.properties.messageId!, cluster: cluster))
                #expect(refusedDecline.properties.headers["x-rejection-detail"]?.stringValue?.contains("note") == true)

                // Another agency's update on this referral is refused by the service.
                let intrusion = statusUpdate(referralId: referralId, status: "completed", from: "labour")
                #expect(try await labour.publish([intrusion]) == [.confirmed])
                let refusedIntrusion = try #require(try await rejection(for: intrusion.properties.messageId!, cluster: cluster))
                #expect(refusedIntrusion.properties.headers["x-rejection-reason"] == .string("wrong-agency"))
                #expect(try await cluster.count(status, [.text(referralId), .text("in-progress")]) == 1)

                // An unknown referral.
                let unknown = statusUpdate(referralId: UUID().uuidString, status: "acknowledged", from: "labour")
                #expect(try await labour.publish([unknown]) == [.confirmed])
                #expect(try await rejection(for: unknown.properties.messageId!, cluster: cluster)?.properties.headers["x-rejection-reason"] == .string("unknown-referral"))
                _ = caseId
                await health.close()
                await labour.close()
            }
        }

        @Test("the broker keeps agencies to their own queue, routing key and user_id")
        func brokerEnforcesPermissions() async throws {
            // Reading another agency's queue.
            let labour = try await agencyConnection("labour")
            await #expect(throws: AMQPError.self) { _ = try await labour.consume(queue: QueueName.referrals(agency: "health"), prefetch: 1) }

            // Publishing under another agency's routing key.
            let labour2 = try await agencyConnection("labour")
            do {
                _ = try await labour2.publish([statusUpdate(referralId: UUID().uuidString, status: "acknowledged", from: "labour", routingKey: "health")])
                Issue.record("the broker accepted another agency's routing key")
            } catch let error as AMQPError {
                guard case .brokerClosed(let code, _, _) = error else { Issue.record("unexpected \(error)"); return }
                #expect(code == 403)
            }

            // Claiming another agency's user_id.
            let labour3 = try await agencyConnection("labour")
            do {
                _ = try await labour3.publish([statusUpdate(referralId: UUID().uuidString, status: "acknowledged", from: "labour", userId: "agency-health")])
                Issue.record("the broker accepted a forged user_id")
            } catch let error as AMQPError {
                guard case .brokerClosed(let code, _, _) = error else { Issue.record("unexpected \(error)"); return }
                #expect(code == 406)
            }

            // An SMS system may not publish status updates.
            let sms = try await AMQPConnection.connect(
                AMQPConfiguration(url: TestEnvironment.value("REINTEGRATION_TEST_SMS_LOCAL_AMQP_URL"), connectionName: "sms-test"), logger: .init(label: "test.sms"))
            await #expect(throws: AMQPError.self) {
                _ = try await sms.publish([statusUpdate(referralId: UUID().uuidString, status: "acknowledged", from: "health", userId: "sms-local")])
            }
        }
    }
}
