import AMQP
import Contract
import Foundation
import TestSupport
import Testing

extension ClusterProcesses {
    /// `reintegrationctl rejected` on the real cluster: a refused record is listed without
    /// its body, shown with it, and a corrected replay opens a case; a replay that fails
    /// leaves the message where it was.
    @Suite("Operator tool: rejected messages", .serialized)
    struct RejectedTests {
        /// An operator account made with the tool, and the environment to use it.
        func operatorAccount() async throws -> (user: String, environment: [String: String]) {
            let name = "test-\(UUID().uuidString.prefix(8).lowercased())"
            let password = try await OperatorAccounts.create("operator", name)
            let user = AccountName.operator(name)
            return (user, ["OPERATOR_AMQP_URL": try OperatorAccounts.url(user: user, password: password)])
        }

        /// Publishes a record intake refuses (a district not in the catalog) and waits for the refusal.
        func refusedRecord(messageId: String) async throws -> [String: Any] {
            var record = Records.readmission()
            var person = record["person"] as! [String: Any]
            person["address"] = ["district": "atlantis", "line": "nowhere 1"]
            record["person"] = person
            let sms = try await SMSClient.connect(url: TestEnvironment.value("REINTEGRATION_TEST_SMS_LOCAL_AMQP_URL"))
            let correlation = try await sms.publish(Records.bytes(record), messageId: messageId)
            let reply = try await sms.reply(correlationId: correlation)
            await sms.close()
            #expect(reply["outcome"] as? String == "rejected")
            return record
        }

        /// `rejected list <queue>`, polled until `messageId` is (or is no longer) listed.
        func list(
            _ environment: [String: String], until messageId: String, listed: Bool, queue: String = "sms-local"
        ) async throws -> OperatorTool.Outcome {
            let arguments = ["rejected", "list", queue, "--wait", "1"]
            var outcome = try await OperatorTool.run(arguments, environment: environment)
            for _ in 0..<20 where outcome.status == 0 && outcome.standardOutput.contains(messageId) != listed {
                try await Task.sleep(for: .milliseconds(500))
                outcome = try await OperatorTool.run(arguments, environment: environment)
            }
            return outcome
        }

        func writeBody(_ record: [String: Any]) throws -> String {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("corrected-\(UUID().uuidString).json").path
            _ = FileManager.default.createFile(atPath: path, contents: Data(Records.bytes(record)))
            return path
        }

        @Test("a refused record is listed without its body, shown with it, and replayed corrected into a case")
        func listShowReplay() async throws {
            let (user, environment) = try await operatorAccount()
            try await TestCluster.with(only: ["intake"]) { cluster in
                let messageId = "rejected-test-\(UUID().uuidString)"
                var record = try await refusedRecord(messageId: messageId)

                let listed = try await list(environment, until: messageId, listed: true)
                #expect(listed.status == 0, "\(listed)")
                let line = try #require(listed.standardOutput.split(separator: "\n").first { $0.hasPrefix(messageId) }, "\(listed)")
                let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                #expect(columns.count == 6 && columns[1] == MessageType.readmission && columns[2] == "invalid-field", "\(line)")
                #expect(columns[3].contains("person.address.district"), "\(line)")
                #expect(columns[4] != "-", "the refusal time is listed")
                #expect(!listed.standardOutput.contains("Məmmədov") && !listed.standardOutput.contains("atlantis"), "list printed personal data")

                let shown = try await OperatorTool.run(["rejected", "show", "sms-local", messageId], environment: environment)
                #expect(shown.status == 0, "\(shown)")
                #expect(shown.standardOutput.contains("header x-rejection-reason: invalid-field"), "\(shown)")
                #expect(shown.standardOutput.contains("Məmmədov"), "show prints the body")

                // The corrected record re-enters the pipeline and opens a case.
                var person = record["person"] as! [String: Any]
                person["address"] = ["district": "binagadi", "line": "M. Rəsulzadə qəs., 12"]
                record["person"] = person
                let bodyFile = try writeBody(record)
                defer { try? FileManager.default.removeItem(atPath: bodyFile) }
                let replayed = try await OperatorTool.run(
                    ["rejected", "replay", "sms-local", messageId, "--body-file", bodyFile], environment: environment)
                #expect(replayed.status == 0, "\(replayed)")
                let reference = try #require(record["smsReference"] as? String)
                let cases = try await cluster.waitForCount(
                    "SELECT count(*) FROM intake.cases WHERE sms_reference = $1", [.text(reference)], toBe: 1)
                #expect(cases == 1, "the replayed record opened no case")
                let after = try await list(environment, until: messageId, listed: false)
                #expect(after.status == 0 && !after.standardOutput.contains(messageId), "the replayed message is still in intake.rejected")
            }
            try await OperatorAccounts.delete(user)
        }

        @Test("a replay that fails leaves the message in the rejected queue")
        func failedReplayKeepsMessage() async throws {
            let (user, environment) = try await operatorAccount()
            try await TestCluster.with(only: ["intake"]) { _ in
                let messageId = "rejected-test-\(UUID().uuidString)"
                _ = try await refusedRecord(messageId: messageId)
                #expect(try await list(environment, until: messageId, listed: true).standardOutput.contains(messageId))

                // A corrected body that is not JSON is refused before the queue is touched.
                let notJSON = FileManager.default.temporaryDirectory.appendingPathComponent("not-json-\(UUID().uuidString)").path
                _ = FileManager.default.createFile(atPath: notJSON, contents: Data("{ broken".utf8))
                defer { try? FileManager.default.removeItem(atPath: notJSON) }
                let bad = try await OperatorTool.run(["rejected", "replay", "sms-local", messageId, "--body-file", notJSON], environment: environment)
                #expect(bad.status == 65, "\(bad)")

                // The broker refuses the publish half way (the message was already taken).
                let management = try ManagementAPI.fromEnvironment()
                let path = "/api/permissions/\(OperatorAccounts.vhost)/\(OperatorAccounts.encoded(user))"
                let readOnly = try JSONSerialization.data(withJSONObject: [
                    "configure": "^$", "write": "^$", "read": PartyAccount.operator("any").permissions.read,
                ])
                #expect(try await management.request("PUT", path, body: readOnly).0 / 100 == 2)
                let refused = try await OperatorTool.run(["rejected", "replay", "sms-local", messageId], environment: environment)
                #expect(refused.status == 77, "\(refused)")
                #expect(refused.standardError.contains("stays in intake.rejected"), "\(refused)")

                // Status updates need the agency's own account.
                let noAgency = try await OperatorTool.run(["rejected", "replay", "agency-updates", "any-id"], environment: environment)
                #expect(noAgency.status == 64, "\(noAgency)")

                let still = try await list(environment, until: messageId, listed: true)
                #expect(still.standardOutput.contains(messageId), "a failed replay lost the message: \(still)")
                let missing = try await OperatorTool.run(["rejected", "show", "sms-local", "no-such-message", "--wait", "1"], environment: environment)
                #expect(missing.status == 66, "\(missing)")
            }
            try await OperatorAccounts.delete(user)
        }

        @Test("a refused status update is replayed with the agency's own account, under its user_id")
        func replayStatusUpdate() async throws {
            let (user, environment) = try await operatorAccount()
            try await TestCluster.with(only: ["referral"]) { _ in
                let healthURL = try TestEnvironment.value("REINTEGRATION_TEST_AGENCY_HEALTH_AMQP_URL")
                let labourURL = try TestEnvironment.value("REINTEGRATION_TEST_AGENCY_LABOUR_AMQP_URL")
                let health = try await AMQPConnection.connect(AMQPConfiguration(url: healthURL, connectionName: "rejected-test-health"), logger: .init(label: "test.agency"))
                let messageId = "rejected-test-\(UUID().uuidString)"
                var properties = MessageProperties.persistentJSON(messageId: messageId, type: MessageType.referralStatus)
                properties.userId = AccountName.agency("health")
                let body: [String: Any] = [
                    "schema": "referral-status.v1", "referralId": UUID().uuidString, "status": "acknowledged",
                    "at": "2026-06-01T10:00:00+04:00", "officer": "officer-1",
                ]
                #expect(try await health.publish([OutgoingMessage(
                    exchange: ExchangeName.agencyUpdates, routingKey: "health", properties: properties, body: Records.bytes(body))]) == [.confirmed])
                await health.close()
                let listed = try await list(environment, until: messageId, listed: true, queue: "agency-updates")
                #expect(listed.standardOutput.contains("\(messageId)\t\(MessageType.referralStatus)\tunknown-referral"), "\(listed)")

                // Another agency's account may not replay it; nothing is taken.
                let labour = try PasswordFile(url: labourURL)
                defer { labour.remove() }
                let wrong = try await OperatorTool.run(
                    ["rejected", "replay", "agency-updates", messageId] + labour.arguments(url: "--as-url", file: "--as-password-file"),
                    environment: environment)
                #expect(wrong.status == 65, "\(wrong)")

                // Replayed as agency-health, it reaches the referral service with that user_id:
                // refused again for the unknown referral, not for a missing user_id.
                let healthPassword = try PasswordFile(url: healthURL)
                defer { healthPassword.remove() }
                let exposed = try await OperatorTool.run(["rejected", "replay", "agency-updates", messageId, "--as-url", healthURL], environment: environment)
                #expect(exposed.status == 64 && exposed.standardError.contains("must not contain a password"), "\(exposed)")
                let replayed = try await OperatorTool.run(
                    ["rejected", "replay", "agency-updates", messageId] + healthPassword.arguments(url: "--as-url", file: "--as-password-file"),
                    environment: environment)
                #expect(replayed.status == 0, "\(replayed)")
                let newId = try #require(replayed.standardOutput.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
                let again = try await list(environment, until: newId, listed: true, queue: "agency-updates")
                #expect(again.standardOutput.contains("\(newId)\t\(MessageType.referralStatus)\tunknown-referral"), "\(again)")
                #expect(!again.standardOutput.contains(messageId), "the replayed update is still in agency.updates.rejected")
                let shown = try await OperatorTool.run(["rejected", "show", "agency-updates", newId], environment: environment)
                #expect(shown.standardOutput.contains("header x-replay-of: \(messageId)"), "\(shown)")
                #expect(shown.standardOutput.contains("header x-original-user-id: agency-health"), "\(shown)")
            }
            try await OperatorAccounts.delete(user)
        }
    }
}
