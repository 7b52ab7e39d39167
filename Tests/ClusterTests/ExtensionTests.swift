import AMQP
import Contract
import Foundation
import Postgres
import TestSupport
import Testing
import WorkingCalendar

extension ClusterProcesses {
    /// Deadline extensions (contract item 8) end to end: an agency asks over the broker, the
    /// secretariat decides with `reintegrationctl referral extension`, the agency hears back
    /// in its queue, and the escalation service plans the ladder again.
    @Suite("Deadline extensions on real servers", .serialized)
    struct ExtensionTests {
        let agencies = AgencyTests()
        let calendar = WorkingCalendar()

        func extensionRequest(
            referralId: String, requestedDueBy: String?, note: String? = "waiting for the person's documents", from agency: String = "health"
        ) -> OutgoingMessage {
            var body: [String: Any] = [
                "schema": "referral-status.v1", "referralId": referralId, "status": "extension-requested",
                "at": Timestamp.format(Date()), "officer": "officer-1",
            ]
            if let requestedDueBy { body["requestedDueBy"] = requestedDueBy }
            if let note { body["note"] = note }
            var properties = MessageProperties.persistentJSON(messageId: UUID().uuidString, type: MessageType.referralStatus)
            properties.userId = AccountName.agency(agency)
            return OutgoingMessage(exchange: ExchangeName.agencyUpdates, routingKey: agency, properties: properties, body: Records.bytes(body))
        }

        func ctl(_ arguments: [String]) async throws -> OperatorTool.Outcome {
            try await OperatorTool.run(["referral", "extension"] + arguments, environment: ["REFERRAL_DATABASE_URL": try TestEnvironment.databaseURL()])
        }

        func dueBy(_ referralId: String, cluster: TestCluster) async throws -> Date {
            try await cluster.database.withConnection { connection in
                try connection.query("SELECT due_by FROM referral.referrals WHERE referral_id = $1::uuid", [.text(referralId)])[0][0].decode(Date.self)
            }
        }

        func pendingRequestId(_ referralId: String, cluster: TestCluster) async throws -> Int64 {
            _ = try await cluster.waitForCount(
                "SELECT count(*) FROM referral.extension_requests WHERE referral_id = $1::uuid AND decision IS NULL", [.text(referralId)], toBe: 1)
            return try await cluster.database.withConnection { connection in
                try connection.query(
                    "SELECT id FROM referral.extension_requests WHERE referral_id = $1::uuid AND decision IS NULL", [.text(referralId)])[0][0].decode(Int64.self)
            }
        }

        /// The `referral-updated.v1` about request `id` in the agency's queue.
        func update(about referralId: String, request id: Int64, cluster: TestCluster) async throws -> [String: Any]? {
            let delivery = try await cluster.firstMessage(in: QueueName.referrals(agency: "health"), timeout: .seconds(60)) {
                $0.properties.messageId == "referral-updated:extension-\(id)"
            }
            guard let delivery else { return nil }
            #expect(delivery.properties.type == MessageType.referralUpdated)
            let object = try JSONSerialization.jsonObject(with: Data(delivery.body)) as? [String: Any]
            #expect((object?["referralId"] as? String) == referralId.lowercased())
            return object
        }

        /// Waits until the escalation service's steps 2–4 of the referral show `dueBy`.
        func waitForReplan(_ referralId: String, to dueBy: Date, cluster: TestCluster) async throws -> Int {
            try await cluster.waitForCount("""
                SELECT count(*) FROM escalation.ladder_steps
                WHERE referral_id = $1::uuid AND step IN (2, 3, 4) AND state = 'pending' AND deadline = $2
                """, [.text(referralId), .timestamp(dueBy)], toBe: 3, timeout: .seconds(60))
        }

        @Test("request, refusals, concurrent approval, another date, refusal, history, report")
        func extensionLifecycle() async throws {
            try await TestCluster.with { cluster in
                let (caseId, referralId) = try await agencies.openCase(cluster)
                let health = try await agencies.agencyConnection("health")
                let labour = try await agencies.agencyConnection("labour")
                #expect(try await cluster.waitForCount(
                    "SELECT count(*) FROM escalation.ladder_steps WHERE referral_id = $1::uuid", [.text(referralId)], toBe: 4) == 4)
                let originalDueBy = try await dueBy(referralId, cluster: cluster)
                let dueDay = calendar.localDay(of: originalDueBy)

                // Refused: not later than dueBy, not a date, no note, another agency's referral.
                let refusals: [(OutgoingMessage, String, String, AMQPConnection)] = [
                    (extensionRequest(referralId: referralId, requestedDueBy: dueDay.description), "invalid-field", "requestedDueBy", health),
                    (extensionRequest(referralId: referralId, requestedDueBy: "2026-02-30"), "invalid-field", "requestedDueBy", health),
                    (extensionRequest(referralId: referralId, requestedDueBy: dueDay.advanced(by: 7).description, note: nil), "invalid-field", "note", health),
                    (extensionRequest(referralId: referralId, requestedDueBy: dueDay.advanced(by: 7).description, from: "labour"), "wrong-agency", "referralId", labour),
                ]
                for (message, reason, field, connection) in refusals {
                    #expect(try await connection.publish([message]) == [.confirmed])
                    let refused = try #require(try await agencies.rejection(for: message.properties.messageId!, cluster: cluster), "\(reason) \(field)")
                    #expect(refused.properties.headers["x-rejection-reason"] == .string(reason))
                    #expect(refused.properties.headers["x-rejection-detail"]?.stringValue?.hasPrefix(field) == true)
                }
                #expect(try await cluster.count("SELECT count(*) FROM referral.extension_requests WHERE referral_id = $1::uuid", [.text(referralId)]) == 0)

                // A valid request: recorded, the secretariat and the chair are alerted, nothing else moves.
                let asked = dueDay.advanced(by: 7)
                #expect(try await health.publish([extensionRequest(referralId: referralId, requestedDueBy: asked.description)]) == [.confirmed])
                let first = try await pendingRequestId(referralId, cluster: cluster)
                #expect(try await cluster.waitForCount("""
                    SELECT count(*) FROM notification.requests
                    WHERE delivery_key = $1 AND kind = 'extension-requested' AND array_to_string(audiences, ',') = 'secretariat,chair'
                      AND referral_id = $2::uuid AND case_id = $3::uuid AND agency = 'health'
                    """, [.text("extension-requested:\(first)"), .text(referralId), .text(caseId)], toBe: 1) == 1)
                let alert = try await cluster.database.withConnection { connection in
                    try connection.query("SELECT request::text FROM notification.requests WHERE delivery_key = $1", [.text("extension-requested:\(first)")])[0][0].decode(String.self)
                }
                #expect(alert.contains("\"personInitials\": \"Ə. M.\"") || alert.contains("\"personInitials\":\"Ə. M.\""), "\(alert)")
                #expect(alert.contains(asked.description))
                for personal in ["Məmmədov", "1990-02-14", "+994", "documents"] { #expect(!alert.contains(personal), "\(personal)") }
                #expect(try await dueBy(referralId, cluster: cluster) == originalDueBy)
                #expect(try await cluster.count("SELECT count(*) FROM referral.referrals WHERE referral_id = $1::uuid AND status = 'issued'", [.text(referralId)]) == 1)

                // The same request again is a duplicate; another date while one is pending a conflict.
                #expect(try await health.publish([extensionRequest(referralId: referralId, requestedDueBy: asked.description)]) == [.confirmed])
                let conflicting = extensionRequest(referralId: referralId, requestedDueBy: asked.advanced(by: 1).description)
                #expect(try await health.publish([conflicting]) == [.confirmed])
                let conflict = try #require(try await agencies.rejection(for: conflicting.properties.messageId!, cluster: cluster))
                #expect(conflict.properties.headers["x-rejection-reason"] == .string("conflict"))
                #expect(try await cluster.count("SELECT count(*) FROM referral.extension_requests WHERE referral_id = $1::uuid", [.text(referralId)]) == 1)

                // The secretariat sees it; two operators approve at once: one wins, the other is told.
                let list = try await ctl(["list"])
                #expect(list.status == 0, "\(list)")
                #expect(list.standardOutput.contains("#\(first)  referral \(referralId.lowercased())"))
                async let approveA = ctl(["approve", String(first), "--by", "Aygün Secretariat", "--note", "granted"])
                async let approveB = ctl(["approve", String(first), "--by", "Babək Secretariat", "--note", "granted"])
                let outcomes = try await [approveA, approveB]
                #expect(outcomes.map(\.status).sorted() == [0, 73], "\(outcomes)")
                #expect(outcomes.first { $0.status == 73 }?.standardError.contains("already approved") == true)
                let extended = calendar.endOfDay(asked)
                #expect(try await dueBy(referralId, cluster: cluster) == extended)
                let approved = try #require(try await update(about: referralId, request: first, cluster: cluster))
                #expect(approved["schema"] as? String == "referral-updated.v1")
                #expect(approved["reason"] as? String == "extension-approved")
                #expect(approved["note"] as? String == "granted")
                #expect((approved["dueBy"] as? String).flatMap(Timestamp.parse) == extended)
                #expect(try await cluster.count(
                    "SELECT count(*) FROM referral.outbox WHERE message_id IN ($1, $2)",
                    [.text("referral-updated:extension-\(first)"), .text("referral-deadline-changed:extension-\(first)")]) == 2)
                #expect(try await waitForReplan(referralId, to: extended, cluster: cluster) == 3)
                #expect(try await cluster.count("""
                    SELECT count(*) FROM escalation.ladder_steps s JOIN referral.referrals r USING (referral_id)
                    WHERE s.referral_id = $1::uuid AND s.step = 1 AND s.deadline = r.acknowledge_by
                    """, [.text(referralId)]) == 1, "step 1 keeps the acknowledgement deadline")

                // Approved with another date than asked.
                #expect(try await health.publish([extensionRequest(referralId: referralId, requestedDueBy: asked.advanced(by: 14).description)]) == [.confirmed])
                let second = try await pendingRequestId(referralId, cluster: cluster)
                let granted = asked.advanced(by: 5)
                let other = try await ctl(["approve", String(second), "--by", "Aygün Secretariat", "--note", "five more days", "--due-by", granted.description])
                #expect(other.status == 0, "\(other)")
                #expect(try await dueBy(referralId, cluster: cluster) == calendar.endOfDay(granted))
                #expect(try await update(about: referralId, request: second, cluster: cluster)?["dueBy"] as? String == Timestamp.format(calendar.endOfDay(granted)))
                #expect(try await waitForReplan(referralId, to: calendar.endOfDay(granted), cluster: cluster) == 3)

                // Refused: the deadline stays, the agency is told why; deciding again is refused.
                #expect(try await health.publish([extensionRequest(referralId: referralId, requestedDueBy: granted.advanced(by: 30).description)]) == [.confirmed])
                let third = try await pendingRequestId(referralId, cluster: cluster)
                let refuse = try await ctl(["refuse", String(third), "--by", "Aygün Secretariat", "--note", "no more time"])
                #expect(refuse.status == 0, "\(refuse)")
                let refused = try #require(try await update(about: referralId, request: third, cluster: cluster))
                #expect(refused["reason"] as? String == "extension-refused")
                #expect((refused["dueBy"] as? String).flatMap(Timestamp.parse) == calendar.endOfDay(granted))
                #expect(try await dueBy(referralId, cluster: cluster) == calendar.endOfDay(granted))
                #expect(try await ctl(["refuse", String(third), "--by", "X", "--note", "again"]).status == 73)
                #expect(try await ctl(["approve", "999999999", "--by", "X", "--note", "n"]).status == 66)
                #expect(try await ctl(["approve", String(third), "--by", "X", "--note", " "]).status == 65)

                // The history: who, when, from which deadline to which.
                let history = try await cluster.database.withConnection { connection in
                    try connection.query("""
                        SELECT event, actor, from_due_by, to_due_by FROM referral.deadline_history
                        WHERE referral_id = $1::uuid ORDER BY id
                        """, [.text(referralId)]).map { row in
                        (try row["event"].decode(String.self), try row["actor"].decode(String.self),
                         try row["from_due_by"].decode(Date.self), try row["to_due_by"].decode(Date.self))
                    }
                }
                #expect(history.map(\.0) == [
                    "extension-requested", "extension-approved", "extension-requested", "extension-approved", "extension-requested", "extension-refused",
                ])
                #expect(history[0].1 == "agency-health" && history[0].2 == originalDueBy && history[0].3 == extended)
                #expect(history[1].2 == originalDueBy && history[1].3 == extended)
                #expect(history[3].1 == "Aygün Secretariat" && history[3].2 == extended && history[3].3 == calendar.endOfDay(granted))
                #expect(history[5].2 == history[5].3)
                let all = try await ctl(["list", "--all"])
                #expect(all.standardOutput.contains("refused by Aygün Secretariat"), "\(all)")

                // The dossier shows them; the report counts them per agency.
                let dossier = try await OperatorTool.run(["case", "show", "--case-id", caseId], environment: ["ADMIN_DATABASE_URL": try TestEnvironment.databaseURL()])
                #expect(dossier.standardOutput.contains("extension #\(first) approved by"), "\(dossier)")
                let today = calendar.localDay(of: Date()).description
                let report = try await OperatorTool.run(
                    ["report", "--from", today, "--to", today, "--format", "csv"], environment: ["ADMIN_DATABASE_URL": try TestEnvironment.databaseURL()])
                #expect(report.status == 0, "\(report)")
                let header = report.standardOutput.components(separatedBy: "\r\n")[0].components(separatedBy: ",")
                let row = try #require(report.standardOutput.components(separatedBy: "\r\n").first { $0.contains(",health,") }?.components(separatedBy: ","))
                let expected = try await cluster.database.withConnection { connection in
                    try connection.query("""
                        SELECT count(*) AS requested, count(*) FILTER (WHERE x.decision = 'approved') AS granted,
                               count(*) FILTER (WHERE x.decision = 'refused') AS refused
                        FROM referral.extension_requests x JOIN referral.referrals r USING (referral_id)
                        WHERE r.agency = 'health' AND r.issued_at >= $1
                        """, [.timestamp(calendar.endOfDay(calendar.localDay(of: Date()).advanced(by: -1)).addingTimeInterval(1))]).map { row in
                        [try row["requested"].decode(Int.self), try row["granted"].decode(Int.self), try row["refused"].decode(Int.self)].map(String.init)
                    }[0]
                }
                let columns = ["extensions requested", "extensions granted", "extensions refused"].compactMap(header.firstIndex(of:))
                #expect(columns.count == 3)
                #expect(columns.map { row[$0] } == expected)
                #expect(Int(expected[0]) ?? 0 >= 3 && Int(expected[1]) ?? 0 >= 2 && Int(expected[2]) ?? 0 >= 1)
                await health.close()
                await labour.close()
            }
        }

        @Test("a request still waiting when the agency completes the referral is withdrawn, in the history, and no longer pending")
        func withdrawnWhenCompleted() async throws {
            try await TestCluster.with { cluster in
                let (caseId, referralId) = try await agencies.openCase(cluster)
                let health = try await agencies.agencyConnection("health")
                let deadline = try await dueBy(referralId, cluster: cluster)
                let asked = calendar.localDay(of: deadline).advanced(by: 7)
                #expect(try await health.publish([extensionRequest(referralId: referralId, requestedDueBy: asked.description)]) == [.confirmed])
                let id = try await pendingRequestId(referralId, cluster: cluster)
                #expect(try await ctl(["list"]).standardOutput.contains("#\(id)  referral"))

                #expect(try await health.publish([
                    agencies.statusUpdate(referralId: referralId, status: "completed", note: "employment found", from: "health"),
                ]) == [.confirmed])
                #expect(try await cluster.waitForCount("""
                    SELECT count(*) FROM referral.extension_requests
                    WHERE id = $1 AND decision = 'withdrawn' AND decided_by = 'agency-health'
                      AND decision_note = 'referral completed before a decision' AND granted_due_by IS NULL
                    """, [.int(id)], toBe: 1) == 1)
                // Recorded with the status change, not after it.
                #expect(try await cluster.count("""
                    SELECT count(*) FROM referral.extension_requests e JOIN referral.status_history h USING (referral_id)
                    WHERE e.id = $1 AND h.to_status = 'completed' AND e.decided_at = h.recorded_at
                    """, [.int(id)]) == 1)
                #expect(try await cluster.count(
                    "SELECT count(*) FROM referral.pending_extensions_v1 WHERE referral_id = $1::uuid", [.text(referralId)]) == 0)
                let pending = try await ctl(["list"])
                #expect(pending.status == 0 && !pending.standardOutput.contains("#\(id)  referral"), "\(pending)")
                let all = try await ctl(["list", "--all"])
                #expect(all.standardOutput.contains("#\(id)  referral"), "\(all)")
                #expect(all.standardOutput.contains("withdrawn by agency-health"), "\(all)")

                // The decision is in the referral's deadline history; the deadline stays; nobody decides it again.
                let history = try await cluster.database.withConnection { connection in
                    try connection.query("""
                        SELECT event, actor, from_due_by, to_due_by, note FROM referral.deadline_history
                        WHERE extension_request_id = $1 ORDER BY id
                        """, [.int(id)]).map { row in
                        (try row["event"].decode(String.self), try row["actor"].decode(String.self), try row["from_due_by"].decode(Date.self),
                         try row["to_due_by"].decode(Date.self), try row["note"].decode(String.self))
                    }
                }
                #expect(history.map(\.0) == ["extension-requested", "extension-withdrawn"])
                #expect(history.last?.1 == "agency-health" && history.last?.2 == deadline && history.last?.3 == deadline)
                #expect(history.last?.4 == "referral completed before a decision")
                #expect(try await dueBy(referralId, cluster: cluster) == deadline)
                let approve = try await ctl(["approve", String(id), "--by", "Aygün Secretariat", "--note", "too late"])
                #expect(approve.status == 73 && approve.standardError.contains("already withdrawn by agency-health"), "\(approve)")
                #expect(try await cluster.count(
                    "SELECT count(*) FROM referral.outbox WHERE message_id = $1", [.text("referral-updated:extension-\(id)")]) == 0)
                let dossier = try await OperatorTool.run(["case", "show", "--case-id", caseId], environment: ["ADMIN_DATABASE_URL": try TestEnvironment.databaseURL()])
                #expect(dossier.standardOutput.contains("extension #\(id) withdrawn"), "\(dossier)")
                await health.close()
            }
        }
    }
}
