import AMQP
import Contract
import Foundation
import Postgres
import TestSupport
import Testing

extension ClusterProcesses {
    /// `case show` on a case that went through the real pipeline: found by each key, with
    /// its referrals and timeline, and never printing the person's FIN, birth date or phone.
    @Suite("Operator case lookup", .serialized)
    struct LookupTests {
        static let birthDate = "1987-11-23"
        static let personalDetails = [birthDate, "+994501234567", "Məmmədov", "Vüqar", "Rəsulzadə", "confidential"]

        /// Publishes a record as the sample SMS system and waits for its four referrals.
        func openCase(_ cluster: TestCluster, reference: String, fin: String) async throws -> String {
            let sms = try await SMSClient.connect(url: TestEnvironment.value("REINTEGRATION_TEST_SMS_LOCAL_AMQP_URL"))
            let correlation = try await sms.publish(Records.bytes(
                Records.readmission(smsReference: reference, personalId: fin, birthDate: Self.birthDate)))
            let caseId = try #require(try await sms.reply(correlationId: correlation)["caseId"] as? String)
            await sms.close()
            let referrals = try await cluster.waitForCount(
                "SELECT count(*) FROM referral.referrals WHERE case_id = $1::uuid", [.text(caseId)], toBe: 4)
            #expect(referrals == 4)
            return caseId.lowercased()
        }

        /// The health ministry acknowledges its referral, through its own broker account.
        func acknowledgeHealthReferral(_ cluster: TestCluster, caseId: String) async throws -> String {
            let referralId = try await cluster.database.withConnection { connection in
                try connection.query(
                    "SELECT referral_id::text FROM referral.referrals WHERE case_id = $1::uuid AND agency = 'health'", [.text(caseId)]
                )[0][0].decode(String.self)
            }
            let agency = try await AMQPConnection.connect(
                AMQPConfiguration(url: TestEnvironment.value("REINTEGRATION_TEST_AGENCY_HEALTH_AMQP_URL"), connectionName: "lookup-test-health"),
                logger: .init(label: "test.agency"))
            var properties = MessageProperties.persistentJSON(messageId: UUID().uuidString, type: MessageType.referralStatus)
            properties.userId = AccountName.agency("health")
            let body: [String: Any] = [
                "schema": "referral-status.v1", "referralId": referralId, "status": "acknowledged", "at": "2026-06-01T10:00:00+04:00",
                "officer": "officer-1",
            ]
            _ = try await agency.publish([OutgoingMessage(
                exchange: ExchangeName.agencyUpdates, routingKey: "health", properties: properties, body: Records.bytes(body))])
            await agency.close()
            let history = try await cluster.waitForCount(
                "SELECT count(*) FROM referral.status_history WHERE referral_id = $1::uuid", [.text(referralId)], toBe: 2)
            #expect(history == 2)
            return referralId
        }

        /// A fired escalation step, recorded as the escalation service records one.
        func recordEscalation(_ cluster: TestCluster, caseId: String, referralId: String) async throws {
            try await cluster.database.withConnection { connection in
                try connection.execute("""
                    INSERT INTO escalation.escalation_events
                        (referral_id, case_id, agency, step, audiences, planned_moment, fired_at, late, delay, delivery_key)
                    VALUES ($1::uuid, $2::uuid, 'health', 3, '{working-group-member}', now() - interval '3 seconds', now(), true,
                            interval '3 seconds', 'lookup-test:' || $1)
                    """, [.text(referralId), .text(caseId)])
            }
        }

        /// An alert delivered for that step to an inactive directory entry (so no other test's
        /// alert reaches it), with one recorded attempt; removed by `removeDelivery`.
        func recordDelivery(_ cluster: TestCluster, caseId: String, referralId: String, recipient: UUID, email: String) async throws {
            try await cluster.database.withTransaction { connection in
                let key = PostgresValue.text("lookup-test:" + referralId)
                try connection.execute("""
                    INSERT INTO notification.recipients (id, name, role, agencies, email, language, active)
                    VALUES ($1, 'Lookup Test Person', 'working-group-member', '{health}', $2, 'en', false)
                    """, [.uuid(recipient), .text(email)])
                try connection.execute("""
                    INSERT INTO notification.requests (delivery_key, kind, audiences, agency, case_id, referral_id, step, request)
                    VALUES ($1, 'escalation', '{working-group-member}', 'health', $2::uuid, $3::uuid, 3, '{}'::jsonb)
                    """, [key, .text(caseId), .text(referralId)])
                let delivery = UUID()
                try connection.execute("""
                    INSERT INTO notification.deliveries (id, delivery_key, recipient_id, channel, status, attempts, due_at, sent_at)
                    VALUES ($1, $2, $3, 'email', 'sent', 1, now(), now())
                    """, [.uuid(delivery), key, .uuid(recipient)])
                try connection.execute("""
                    INSERT INTO notification.delivery_attempts (delivery_id, attempt, channel, started_at, finished_at, result, response_code)
                    VALUES ($1, 1, 'email', now(), now() + interval '1 second', 'sent', 250)
                    """, [.uuid(delivery)])
            }
        }

        func removeDelivery(_ cluster: TestCluster, recipient: UUID) async throws {
            try await cluster.database.withTransaction { connection in
                let keys = try connection.query(
                    "SELECT DISTINCT delivery_key FROM notification.deliveries WHERE recipient_id = $1", [.uuid(recipient)]
                ).map { try $0[0].decode(String.self) }
                try connection.execute("""
                    DELETE FROM notification.delivery_attempts
                    WHERE delivery_id IN (SELECT id FROM notification.deliveries WHERE recipient_id = $1)
                    """, [.uuid(recipient)])
                try connection.execute("DELETE FROM notification.deliveries WHERE recipient_id = $1", [.uuid(recipient)])
                for key in keys { try connection.execute("DELETE FROM notification.requests WHERE delivery_key = $1", [.text(key)]) }
                try connection.execute("DELETE FROM notification.recipients WHERE id = $1", [.uuid(recipient)])
            }
        }

        @Test("a case is found by case id, SMS reference and FIN, with its referrals and timeline, and no personal details")
        func caseShow() async throws {
            try await TestCluster.with { cluster in
                let fin = Records.personalId()
                let reference = "SMS-OPS-\(UUID().uuidString.lowercased().prefix(8))"
                let caseId = try await openCase(cluster, reference: reference, fin: fin)
                let referralId = try await acknowledgeHealthReferral(cluster, caseId: caseId)
                try await recordEscalation(cluster, caseId: caseId, referralId: referralId)
                let recipient = UUID()
                let email = "lookup-\(recipient.uuidString.prefix(8).lowercased())@example.org"
                try await recordDelivery(cluster, caseId: caseId, referralId: referralId, recipient: recipient, email: email)
                let recipientText = recipient.uuidString.lowercased()
                let url = try TestEnvironment.databaseURL()

                for key in [["--case-id", caseId], ["--sms-reference", reference], ["--personal-id", fin]] {
                    let outcome = try await OperatorTool.run(["case", "show"] + key , environment: ["ADMIN_DATABASE_URL": url])
                    #expect(outcome.status == 0, "\(key[0]): \(outcome)")
                    let text = outcome.standardOutput
                    #expect(text.contains("Case \(caseId)"), "\(key[0]): \(outcome)")
                    #expect(text.contains(reference))
                    #expect(text.contains("Ə. M."))
                    for agency in ["health", "labour", "education", "local.binagadi"] { #expect(text.contains(agency), "\(agency)") }
                    #expect(text.contains("case opened"))
                    #expect(text.contains("issued → acknowledged"), "\(outcome)")
                    #expect(text.contains("escalation step 3 to working-group-member"), "\(outcome)")
                    #expect(text.contains("step 3 alert by email to working-group-member \(recipientText): attempt 1 sent (250)"), "\(outcome)")
                    for detail in [fin, email, "Lookup Test Person"] + Self.personalDetails {
                        #expect(!outcome.standardOutput.contains(detail) && !outcome.standardError.contains(detail), "\(key[0]) printed personal data")
                    }
                }

                // The FIN can come from standard input, out of the shell's history.
                let json = try await OperatorTool.run(["case", "show", "--personal-id", "-", "--json"], environment: ["ADMIN_DATABASE_URL": url], input: fin + "\n")
                #expect(json.status == 0, "\(json)")
                let document = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
                let found = try #require((document["cases"] as? [[String: Any]])?.first)
                #expect((found["caseId"] as? String)?.lowercased() == caseId)
                #expect(found["personInitials"] as? String == "Ə. M.")
                let referrals = try #require(found["referrals"] as? [[String: Any]])
                #expect(Set(referrals.compactMap { $0["agency"] as? String }) == ["health", "labour", "education", "local.binagadi"])
                #expect(referrals.allSatisfy { $0["acknowledgeBy"] is String && $0["dueBy"] is String })
                let timeline = try #require(found["timeline"] as? [[String: Any]])
                let kinds = timeline.compactMap { $0["kind"] as? String }
                #expect(kinds.first == "case-opened")
                #expect(kinds.filter { $0 == "status-change" }.count == 5, "four issued, one acknowledged: \(kinds)")
                let escalation = try #require(timeline.first { $0["kind"] as? String == "escalation" })
                #expect(escalation["step"] as? Int == 3 && escalation["late"] as? Bool == true)
                let attempt = try #require(timeline.first { $0["kind"] as? String == "delivery-attempt" })
                #expect(attempt["recipientId"] as? String == recipientText && attempt["recipientRole"] as? String == "working-group-member")
                #expect(attempt["channel"] as? String == "email" && attempt["result"] as? String == "sent")
                let instants = timeline.compactMap { $0["at"] as? String }
                #expect(instants == instants.sorted(), "one chronological list")
                for detail in [fin, email, "Lookup Test Person"] + Self.personalDetails { #expect(!json.standardOutput.contains(detail)) }
                try await removeDelivery(cluster, recipient: recipient)
            }
        }

        @Test("an unknown case exits 66 without echoing the key; a malformed FIN is wrong usage")
        func notFoundAndUsage() async throws {
            try await TestCluster.with(only: ["intake"]) { _ in
                let url = try TestEnvironment.databaseURL()
                let unknown = "SMS-NOBODY-\(UUID().uuidString.lowercased().prefix(8))"
                let missing = try await OperatorTool.run(["case", "show", "--sms-reference", unknown], environment: ["ADMIN_DATABASE_URL": url])
                #expect(missing.status == 66, "\(missing)")
                #expect(missing.standardError.contains("no case with that SMS reference"))
                #expect(!missing.standardError.contains(unknown))

                let malformed = try await OperatorTool.run(["case", "show", "--personal-id", "abc"], environment: ["ADMIN_DATABASE_URL": url])
                #expect(malformed.status == 64, "\(malformed)")
                #expect(!malformed.standardError.contains("abc\n"))
                let twoKeys = try await OperatorTool.run(["case", "show", "--case-id", UUID().uuidString, "--sms-reference", "x"])
                #expect(twoKeys.status == 64, "\(twoKeys)")
            }
        }
    }
}
