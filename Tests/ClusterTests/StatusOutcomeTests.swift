import AMQP
import Contract
import Foundation
import Postgres
import TestSupport
import Testing

extension ClusterProcesses {
    /// Contract v1.1 item 7 on the real broker and services: a status update with a reply
    /// queue is answered with `referral-status-outcome.v1`, delivered by intake (the only
    /// account that may write to the default exchange).
    @Suite("Status outcomes on real servers", .serialized)
    struct StatusOutcomeTests {
        func refusedCopy(_ messageId: String, _ cluster: TestCluster) async throws -> Delivery? {
            try await cluster.firstMessage(in: QueueName.agencyUpdatesRejected) { $0.properties.messageId == messageId }
        }

        /// Sends `body` and expects a refusal with `reason`, answered and copied to `agency.updates.rejected`.
        func expectRefused(
            _ body: [UInt8], reason: RejectionReason, by agency: AgencyClient, cluster: TestCluster, signed: Bool = true,
            sourceLocation: SourceLocation = #_sourceLocation
        ) async throws -> [String: Any] {
            let sent = try await agency.send(body, signed: signed)
            let answer = try #require(try await agency.answer(sent.correlationId), "no outcome for \(reason)", sourceLocation: sourceLocation)
            #expect(answer["schema"] as? String == "referral-status-outcome.v1", sourceLocation: sourceLocation)
            #expect(answer["outcome"] as? String == "refused", "\(answer)", sourceLocation: sourceLocation)
            #expect(answer["reason"] as? String == reason.rawValue, "\(answer)", sourceLocation: sourceLocation)
            #expect((answer["detail"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
            let copy = try await refusedCopy(sent.messageId, cluster)
            #expect(copy?.properties.headers[RejectionHeader.reason] == .string(reason.rawValue), "no refused copy for \(reason)",
                    sourceLocation: sourceLocation)
            return answer
        }

        @Test("every outcome is answered with the correlation id, on a server-named queue and on direct reply-to; refusals still go to agency.updates.rejected")
        func everyOutcome() async throws {
            try await TestCluster.with(only: ["intake", "referral"]) { cluster in
                let (_, referralId) = try await AgencyTests().openCase(cluster)
                let health = try await AgencyClient.connect("health")
                let labour = try await AgencyClient.connect("labour")

                // Applied, answered on the server-named queue.
                let acknowledged = try await health.send(AgencyClient.update(referralId: referralId, status: "acknowledged"))
                let applied = try #require(try await health.answer(acknowledged.correlationId))
                #expect(applied["schema"] as? String == "referral-status-outcome.v1")
                #expect(applied["outcome"] as? String == "applied")
                #expect(applied["status"] as? String == "acknowledged")
                #expect((applied["referralId"] as? String)?.lowercased() == referralId.lowercased())
                #expect(applied["reason"] == nil)

                // The same status again is a duplicate.
                let again = try await health.send(AgencyClient.update(referralId: referralId, status: "acknowledged"))
                let duplicate = try #require(try await health.answer(again.correlationId))
                #expect(duplicate["outcome"] as? String == "duplicate")
                #expect(duplicate["status"] as? String == "acknowledged")

                // Applied, answered through direct reply-to.
                let direct = try await health.send(AgencyClient.update(referralId: referralId, status: "in-progress"), replyTo: .direct)
                let directAnswer = try #require(try await health.answer(direct.correlationId), "no answer through direct reply-to")
                #expect(directAnswer["outcome"] as? String == "applied")
                #expect(directAnswer["status"] as? String == "in-progress")

                // Refusals, each with its reason, the referral's status when it is the sender's own, and the copy.
                let backwards = try await expectRefused(
                    AgencyClient.update(referralId: referralId, status: "acknowledged"), reason: .invalidTransition, by: health, cluster: cluster)
                #expect(backwards["status"] as? String == "in-progress")
                let bareDecline = try await expectRefused(
                    AgencyClient.update(referralId: referralId, status: "declined"), reason: .invalidField, by: health, cluster: cluster)
                #expect((bareDecline["detail"] as? String)?.contains("note") == true)
                #expect(bareDecline["status"] as? String == "in-progress")
                let badStatus = try await expectRefused(
                    AgencyClient.update(referralId: referralId, status: "finished"), reason: .invalidField, by: health, cluster: cluster)
                #expect((badStatus["referralId"] as? String)?.lowercased() == referralId.lowercased())
                let intrusion = try await expectRefused(
                    AgencyClient.update(referralId: referralId, status: "completed"), reason: .wrongAgency, by: labour, cluster: cluster)
                #expect(intrusion["status"] == nil, "another agency learned the referral's status")
                _ = try await expectRefused(
                    AgencyClient.update(referralId: UUID().uuidString, status: "acknowledged"), reason: .unknownReferral, by: labour,
                    cluster: cluster)
                _ = try await expectRefused(Array("{not json".utf8), reason: .notJSON, by: health, cluster: cluster)
                _ = try await expectRefused(
                    Records.bytes(["schema": "referral-status.v9", "referralId": referralId]), reason: .unknownSchema, by: health,
                    cluster: cluster)
                _ = try await expectRefused(
                    AgencyClient.update(referralId: referralId, status: "completed"), reason: .missingUserId, by: health, cluster: cluster,
                    signed: false)

                // Nothing changed through the refusals.
                #expect(try await cluster.count(
                    "SELECT count(*) FROM referral.referrals WHERE referral_id = $1::uuid AND status = 'in-progress'", [.text(referralId)]) == 1)
                await health.close()
                await labour.close()
            }
        }

        @Test("a reply_to that is not a reply queue gets no answer, and the update is still handled")
        func noAnswerToOtherQueues() async throws {
            try await TestCluster.with(only: ["intake", "referral"]) { cluster in
                let (_, referralId) = try await AgencyTests().openCase(cluster)
                let victim = "trust.victim-\(UUID().uuidString.prefix(8).lowercased())"
                try await cluster.broker.declare(Topology(queues: [.quorum(victim)]))
                let health = try await AgencyClient.connect("health")
                let applied = try await health.send(AgencyClient.update(referralId: referralId, status: "acknowledged"), replyTo: .other(victim))
                #expect(try await cluster.waitForCount(
                    "SELECT count(*) FROM referral.referrals WHERE referral_id = $1::uuid AND status = 'acknowledged'", [.text(referralId)],
                    toBe: 1) == 1)
                let refused = try await health.send(AgencyClient.update(referralId: referralId, status: "issued"), replyTo: .other(victim))
                #expect(try await refusedCopy(refused.messageId, cluster) != nil, "the refusal was not kept")
                // A later answered update shows the earlier ones were past the referral service.
                let answered = try await health.send(AgencyClient.update(referralId: referralId, status: "acknowledged"))
                #expect(try await health.answer(answered.correlationId)?["outcome"] as? String == "duplicate")
                #expect(try await cluster.firstMessage(in: victim, timeout: .seconds(5)) { _ in true } == nil, "an answer was written into \(victim)")
                #expect(health.answers(applied.correlationId).isEmpty && health.answers(refused.correlationId).isEmpty)
                await health.close()
                let vhost = try AMQPConfiguration(url: TestEnvironment.amqpURL(), connectionName: "outcome-test").virtualHost
                _ = try await ManagementAPI.fromEnvironment().request("DELETE", "/api/queues/\(vhost)/\(victim)")
            }
        }

        @Test("an update delivered again after it was handled is answered without a second effect")
        func redeliveryIsNotAppliedTwice() async throws {
            try await TestCluster.with(only: ["intake", "referral"]) { cluster in
                let (_, referralId) = try await AgencyTests().openCase(cluster)
                let health = try await AgencyClient.connect("health")
                let body = AgencyClient.update(referralId: referralId, status: "acknowledged")
                let messageId = "redelivered-\(UUID())"
                let first = try await health.send(body, messageId: messageId)
                #expect(try await health.answer(first.correlationId)?["outcome"] as? String == "applied")
                // The same message (same message_id) again, as a redelivery or a sender's retry.
                let second = try await health.send(body, messageId: messageId)
                let repeated = try #require(try await health.answer(second.correlationId))
                #expect(repeated["outcome"] as? String == "duplicate", "\(repeated)")
                #expect(repeated["status"] as? String == "acknowledged")
                #expect(try await cluster.count(
                    "SELECT count(*) FROM referral.status_history WHERE message_id = $1", [.text(messageId)]) == 1)
                #expect(health.answers(first.correlationId).allSatisfy { $0["outcome"] as? String == "applied" })
                #expect(health.answers(first.correlationId).count == 1)

                // A refused message sent again is refused again with its first reason.
                let refusedId = "refused-again-\(UUID())"
                let backwards = AgencyClient.update(referralId: referralId, status: "issued")
                let refused = try await health.send(backwards, messageId: refusedId)
                #expect(try await health.answer(refused.correlationId)?["reason"] as? String == RejectionReason.invalidTransition.rawValue)
                let refusedAgain = try await health.send(backwards, messageId: refusedId)
                let answer = try #require(try await health.answer(refusedAgain.correlationId))
                #expect(answer["outcome"] as? String == "refused")
                #expect(answer["reason"] as? String == RejectionReason.invalidTransition.rawValue)
                await health.close()
            }
        }

        @Test("an answer to a reply queue that no longer exists is dropped and counted, not retried")
        func requesterGone() async throws {
            try await TestCluster.with(only: ["intake", "referral"]) { cluster in
                let (_, referralId) = try await AgencyTests().openCase(cluster)
                let health = try await AgencyClient.connect("health")
                let gone = "amq.gen-gone\(UUID().uuidString.prefix(8))"
                _ = try await health.send(AgencyClient.update(referralId: referralId, status: "acknowledged"), replyTo: .other(gone))
                var dropped = false
                for _ in 0..<300 where !dropped {
                    dropped = cluster["intake"].log().contains("reply queue no longer exists")
                    if !dropped { try await Task.sleep(for: .milliseconds(100)) }
                }
                #expect(dropped, "intake did not report the vanished reply queue")
                #expect(!cluster["intake"].log().contains("it will be tried again"), "a vanished reply queue was retried")
                // The management API's figures lag by a few seconds: wait for them to show the queue settled.
                let vhost = try AMQPConfiguration(url: TestEnvironment.amqpURL(), connectionName: "outcome-test").virtualHost
                var held = -1
                for _ in 0..<60 where held != 0 {
                    let (status, data) = try await ManagementAPI.fromEnvironment().request("GET", "/api/queues/\(vhost)/\(QueueName.intakeReplies)")
                    #expect(status == 200)
                    let queue = try JSONSerialization.jsonObject(with: data) as? [String: Any]
                    held = (queue?["messages"] as? Int) ?? -1
                    if held != 0 { try await Task.sleep(for: .seconds(1)) }
                }
                #expect(held == 0, "the answer is still held in \(QueueName.intakeReplies)")
                #expect(try await cluster.count(
                    "SELECT count(*) FROM referral.referrals WHERE referral_id = $1::uuid AND status = 'acknowledged'", [.text(referralId)]) == 1)
                await health.close()
            }
        }
    }
}
