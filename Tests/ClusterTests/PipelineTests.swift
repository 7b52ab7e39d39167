import AMQP
import Contract
import Foundation
import Postgres
import TestSupport
import Testing
import WorkingCalendar

extension ClusterProcesses {
    /// The services as processes on the real broker and database: records in, referrals out.
    @Suite("Cluster pipeline on real servers", .serialized)
    struct PipelineTests {
        /// The referral for `caseId` in an agency's queue.
        func referral(in agency: String, caseId: String, cluster: TestCluster) async throws -> [String: Any]? {
            let wanted = caseId.lowercased()
            let delivery = try await cluster.firstMessage(in: QueueName.referrals(agency: agency)) { delivery in
                let object = try? JSONSerialization.jsonObject(with: Data(delivery.body)) as? [String: Any]
                return (object?["caseId"] as? String)?.lowercased() == wanted
            }
            guard let delivery else { return nil }
            return try JSONSerialization.jsonObject(with: Data(delivery.body)) as? [String: Any]
        }

        @Test("a valid record opens a case and each competent body gets only its fields")
        func recordToReferrals() async throws {
            try await TestCluster.with { cluster in
                let sms = try await SMSClient.connect()
                let record = Records.readmission(personalId: Records.personalId())
                let correlation = try await sms.publish(Records.bytes(record))
                let reply = try await sms.reply(correlationId: correlation)
                #expect(reply["outcome"] as? String == "accepted")
                #expect(reply["schema"] as? String == "intake-outcome.v1")
                let caseId = try #require(reply["caseId"] as? String)

                for agency in ["health", "labour", "education", "local.binagadi"] {
                    let referral = try #require(try await referral(in: agency, caseId: caseId, cluster: cluster), "no referral for \(agency)")
                    #expect(referral["schema"] as? String == "referral.v1")
                    #expect(referral["notes"] == nil)
                    #expect(referral["agreement"] == nil)
                    #expect(referral["borderPoint"] == nil)
                    let text = String(decoding: try JSONSerialization.data(withJSONObject: referral), as: UTF8.self)
                    #expect(!text.contains("confidential"))
                    let person = try #require(referral["person"] as? [String: Any])
                    #expect(person["firstName"] as? String == "Əli")
                    let needs = referral["needs"] as? [String] ?? []
                    switch agency {
                    case "health": #expect(needs == ["health"])
                    case "labour": #expect(needs == ["employment"])
                    case "education":
                        #expect((referral["children"] as? [[String: Any]])?.count == 1)
                    default: break
                    }
                    if agency != "education" { #expect((referral["children"] as? [Any] ?? []).isEmpty) }
                }
                // The escalation service tracks every issued referral once.
                let tracked = try await cluster.waitForCount(
                    "SELECT count(*) FROM escalation.referrals WHERE case_id = $1::uuid", [.text(caseId)], toBe: 4)
                #expect(tracked == 4)

                // The same record again (new message id): a duplicate, nothing new.
                let again = try await sms.publish(Records.bytes(record))
                let duplicate = try await sms.reply(correlationId: again)
                #expect(duplicate["outcome"] as? String == "duplicate")
                #expect(duplicate["caseId"] as? String == caseId)

                // The same reference with other content: refused as a conflict.
                var changed = record
                changed["borderPoint"] = "NAX"
                let conflictCorrelation = try await sms.publish(Records.bytes(changed))
                let conflict = try await sms.reply(correlationId: conflictCorrelation)
                #expect(conflict["outcome"] as? String == "rejected")
                #expect(conflict["reason"] as? String == "conflict")
                #expect(try await cluster.count("SELECT count(*) FROM intake.cases WHERE id = $1::uuid", [.text(caseId)]) == 1)
                #expect(try await cluster.count("SELECT count(*) FROM referral.referrals WHERE case_id = $1::uuid", [.text(caseId)]) == 4)
                await sms.close()
            }
        }

        @Test("an invalid record is refused with every problem, unchanged into intake.rejected")
        func invalidRecordRefused() async throws {
            try await TestCluster.with(only: ["intake"]) { cluster in
                let sms = try await SMSClient.connect()
                let reference = "SMS-BAD-\(UUID().uuidString.prefix(8))"
                var record = Records.readmission(smsReference: reference, birthDate: "2999-01-01")
                var person = record["person"] as! [String: Any]
                person["address"] = ["district": "atlantis"]
                record["person"] = person
                let body = Records.bytes(record)
                let messageId = "bad-\(UUID())"
                let correlation = try await sms.publish(body, messageId: messageId)
                let reply = try await sms.reply(correlationId: correlation)
                #expect(reply["outcome"] as? String == "rejected")
                let fields = (reply["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
                #expect(fields.contains("person.birthDate"))
                #expect(fields.contains("person.address.district"))

                let found = try await cluster.firstMessage(in: sms.rejectedQueue) { $0.properties.messageId == messageId }
                let copy = try #require(found)
                #expect(copy.body == body)
                #expect(copy.properties.headers["x-rejection-reason"] == .string("invalid-field"))
                #expect(copy.properties.headers["x-rejection-detail"]?.stringValue?.contains("person.birthDate") == true)
                #expect(copy.properties.type == MessageType.readmission)

                // Not JSON and no message id: each refused with its own reason.
                let notJSON = try await sms.publish(Array("{not json".utf8))
                #expect(try await sms.reply(correlationId: notJSON)["reason"] as? String == "not-json")
                let anonymous = try await sms.publish(Records.bytes(Records.readmission()), messageId: nil)
                #expect(try await sms.reply(correlationId: anonymous)["reason"] as? String == "missing-message-id")
                let huge = try await sms.publish(Array(repeating: UInt8(ascii: " "), count: 70 * 1024))
                #expect(try await sms.reply(correlationId: huge)["reason"] as? String == "too-large")
                #expect(try await cluster.count("SELECT count(*) FROM intake.refusals WHERE sms_reference = $1", [.text(reference)]) == 1)
                await sms.close()
            }
        }

        @Test("a case without consent is held; a consent update releases its referrals")
        func consentHoldAndRelease() async throws {
            try await TestCluster.with { cluster in
                let sms = try await SMSClient.connect()
                let reference = "SMS-HOLD-\(UUID().uuidString.prefix(8))"
                let correlation = try await sms.publish(Records.bytes(Records.readmission(smsReference: reference, dataSharing: false)))
                let caseId = try #require(try await sms.reply(correlationId: correlation)["caseId"] as? String)
                #expect(try await cluster.waitForCount(
                    "SELECT count(*) FROM notification.requests WHERE case_id = $1::uuid AND kind = 'consent-hold'", [.text(caseId)], toBe: 1) == 1)
                #expect(try await cluster.waitForCount(
                    "SELECT count(*) FROM referral.cases WHERE case_id = $1::uuid AND awaiting_consent", [.text(caseId)], toBe: 1) == 1)
                #expect(try await cluster.count("SELECT count(*) FROM referral.referrals WHERE case_id = $1::uuid", [.text(caseId)]) == 0)

                let consent = Records.bytes(["schema": "consent.v1", "smsReference": reference, "dataSharing": true, "recordedAt": "2026-06-01T09:00:00+04:00"])
                let consentCorrelation = try await sms.publish(consent, type: MessageType.consent)
                #expect(try await sms.reply(correlationId: consentCorrelation)["outcome"] as? String == "accepted")
                #expect(try await cluster.waitForCount(
                    "SELECT count(*) FROM referral.referrals WHERE case_id = $1::uuid", [.text(caseId)], toBe: 4) == 4)

                let unknown = Records.bytes(["schema": "consent.v1", "smsReference": "SMS-NOPE-\(UUID().uuidString.prefix(6))", "dataSharing": true])
                let unknownCorrelation = try await sms.publish(unknown, type: MessageType.consent)
                #expect(try await sms.reply(correlationId: unknownCorrelation)["reason"] as? String == "unknown-reference")
                await sms.close()
            }
        }

        @Test("a consent release that arrives before its case is kept, and the held case is released when it arrives")
        func consentReleaseBeforeItsCase() async throws {
            try await TestCluster.with(only: ["referral"]) { (cluster) async throws in
                let caseId = UUID()
                let person = PersonDetails(
                    personalId: nil, firstName: "Əli", lastName: "Məmmədov", patronymic: nil, birthDate: CivilDay("1990-02-14")!,
                    sex: "male", phone: nil, district: "binagadi", addressLine: nil)
                let opened = CaseOpened(
                    caseId: caseId, personId: UUID(), smsReference: "SMS-EARLY-\(UUID().uuidString.prefix(8))", readmittedAt: Date(),
                    openedAt: Date(), person: person, family: [], needs: ["health"], awaitingConsent: true)
                let released = CaseConsentReleased(caseId: caseId, releasedAt: Date())
                func event(_ key: String, _ type: String, _ body: [UInt8]) -> OutgoingMessage {
                    OutgoingMessage(
                        exchange: ExchangeName.clusterEvents, routingKey: key,
                        properties: .persistentJSON(messageId: UUID().uuidString, type: type), body: body)
                }
                // The release first, as a redelivery of the case-opened event can make it.
                let releaseFirst = event(EventRoutingKey.caseConsentReleased, MessageType.caseConsentReleased, try ContractCoding.encode(released))
                let caseAfter = event(EventRoutingKey.caseOpened, MessageType.caseOpened, try ContractCoding.encode(opened))
                #expect(try await cluster.broker.publish([releaseFirst]) == [.confirmed])
                #expect(try await cluster.waitForCount(
                    "SELECT count(*) FROM referral.early_consent_releases WHERE case_id = $1", [.uuid(caseId)], toBe: 1) == 1)
                #expect(try await cluster.broker.publish([caseAfter]) == [.confirmed])
                #expect(try await cluster.waitForCount(
                    "SELECT count(*) FROM referral.referrals WHERE case_id = $1", [.uuid(caseId)], toBe: 2) == 2)
                #expect(try await cluster.count(
                    "SELECT count(*) FROM referral.cases WHERE case_id = $1 AND NOT awaiting_consent", [.uuid(caseId)]) == 1)
                #expect(try await cluster.count("SELECT count(*) FROM referral.early_consent_releases WHERE case_id = $1", [.uuid(caseId)]) == 0)
            }
        }

        @Test("a message published while its consumer is down is handled once it is back")
        func consumerDownThenBack() async throws {
            try await TestCluster.with { cluster in
                await cluster["referral"].stop()
                let sms = try await SMSClient.connect()
                let correlation = try await sms.publish(Records.bytes(Records.readmission()))
                let caseId = try #require(try await sms.reply(correlationId: correlation)["caseId"] as? String)
                try await Task.sleep(for: .seconds(1))
                #expect(try await cluster.count("SELECT count(*) FROM referral.referrals WHERE case_id = $1::uuid", [.text(caseId)]) == 0)
                try cluster["referral"].start()
                try await cluster["referral"].waitUntilReady()
                #expect(try await cluster.waitForCount(
                    "SELECT count(*) FROM referral.referrals WHERE case_id = $1::uuid", [.text(caseId)], toBe: 4) == 4)
                await sms.close()
            }
        }

        @Test("a poison message ends in the dead-letter queue with its reason after the redelivery limit")
        func poisonMessageDeadLettered() async throws {
            try await TestCluster.with(only: ["referral"]) { cluster in
                let messageId = "poison-\(UUID())"
                let poison = OutgoingMessage(
                    exchange: ExchangeName.clusterEvents, routingKey: EventRoutingKey.caseOpened,
                    properties: .persistentJSON(messageId: messageId, type: MessageType.caseOpened), body: Array("{\"caseId\": 42}".utf8))
                #expect(try await cluster.broker.publish([poison]) == [.confirmed])
                let found = try await cluster.firstMessage(in: QueueName.deadLetter(of: QueueName.referralCaseEvents), timeout: .seconds(60)) {
                    $0.properties.messageId == messageId
                }
                let letter = try #require(found)
                #expect(letter.properties.headers["x-rejection-reason"] == .string("processing-failed"))
                #expect(letter.properties.headers["x-rejection-detail"]?.stringValue?.isEmpty == false)
                #expect(letter.body == poison.body)
                #expect(cluster["referral"].isRunning)
            }
        }

        @Test("killing intake with SIGKILL mid-stream loses no record and applies none twice")
        func sigkillMidStream() async throws {
            try await TestCluster.with { cluster in
                let sms = try await SMSClient.connect()
                let batch = "SMS-KILL-\(UUID().uuidString.prefix(6))"
                let total = 2000
                let messages = (0..<total).map { index in
                    OutgoingMessage(
                        exchange: ExchangeName.intake, routingKey: MessageType.readmission,
                        properties: .persistentJSON(messageId: "\(batch)-\(index)", type: MessageType.readmission, userId: sms.user),
                        body: Records.bytes(Records.readmission(smsReference: "\(batch)-\(index)", needs: ["health"], childBirthDate: nil)))
                }
                let publishing = Task {
                    for chunk in stride(from: 0, to: total, by: 200) {
                        _ = try await sms.connection.publish(Array(messages[chunk..<min(total, chunk + 200)]))
                    }
                }
                let pattern = "\(batch)-%"
                let firstWave = try await cluster.waitForCount(
                    "SELECT least(count(*), 300) FROM intake.cases WHERE sms_reference LIKE $1", [.text(pattern)], toBe: 300, timeout: .seconds(60))
                #expect(firstWave == 300)
                await cluster["intake"].stop(signal: SIGKILL)
                try await publishing.value
                try cluster["intake"].start()
                try await cluster["intake"].waitUntilReady()

                let cases = try await cluster.waitForCount(
                    "SELECT count(*) FROM intake.cases WHERE sms_reference LIKE $1", [.text(pattern)], toBe: total, timeout: .seconds(120))
                #expect(cases == total)
                // Every case routed exactly once: one health and one district referral each.
                let referrals = try await cluster.waitForCount("""
                    SELECT count(*) FROM referral.referrals r JOIN intake.cases c ON c.id = r.case_id WHERE c.sms_reference LIKE $1
                    """, [.text(pattern)], toBe: 2 * total, timeout: .seconds(120))
                #expect(referrals == 2 * total)
                let issuedTwice = try await cluster.count("""
                    SELECT count(*) FROM (SELECT referral_id FROM escalation.referral_events WHERE kind = 'issued'
                    GROUP BY referral_id HAVING count(*) > 1) AS repeated
                    """)
                #expect(issuedTwice == 0)
                await sms.close()
            }
        }
    }
}
