import Contract
import Foundation
@testable import Notification
import NotificationDomain
import Postgres
import Testing

/// Faults around an attempt: a relay that refuses service, a webhook removed, an outcome
/// that cannot be stored, a shutdown before the transfer, and what a request reads.
@Suite("Delivery faults", .serialized)
struct DeliveryFaultTests {
    /// Runs `body` with one step-4 alert planned for the chair, and an SMTP sink started
    /// with `sinkArguments`.
    func withAlertToTheChair(
        sinkArguments: [String] = [], _ body: (NotificationTestHarness, PythonTestServer) async throws -> Void
    ) async throws {
        let smtp = try PythonTestServer(script: "smtp_sink.py", arguments: sinkArguments)
        try await smtp.start()
        let harness = try await NotificationTestHarness(smtpPort: smtp.port)
        try await harness.run {
            try await harness.add([Recipient(name: "Chair", role: .chair, email: "chair@example.az", language: .en)])
            try await harness.receive(NotificationFixtures.escalation(step: 4, audiences: [.chair]))
            try await body(harness, smtp)
        }
    }

    @Test("a relay that refuses its greeting opens the relay's circuit, not the person's")
    func aRelayRefusingServiceIsTheRelaysFailure() async throws {
        try await withAlertToTheChair(sinkArguments: ["--refuse-greeting"]) { harness, _ in
            try await harness.deliver(until: { try await !harness.attempts().isEmpty })
            let attempt = try #require(try await harness.attempts().first)
            #expect(attempt.result == "transient")
            #expect(attempt.error?.contains("at connection") == true, "\(attempt.error ?? "-")")
            #expect(try await harness.sharedCircuits() == [harness.relayCircuit])
            #expect(try await harness.openCircuits() == 0)
            #expect(try await harness.statuses() == ["pending": 1])
        }
    }

    @Test("a message refused after its end counts against the person when permanent, against the relay when temporary")
    func aRefusedMessageIsThePersonsAndADeferredOneTheRelays() async throws {
        try await withAlertToTheChair(sinkArguments: ["--message-reply", "554"]) { harness, _ in
            try await harness.deliver(until: { try await harness.statuses() == ["failed": 1] })
            #expect(try await harness.attempts().map(\.result) == ["permanent"])
            #expect(try await harness.sharedCircuits().isEmpty)
        }
        try await withAlertToTheChair(sinkArguments: ["--message-reply", "451"]) { harness, _ in
            try await harness.deliver(until: { try await !harness.attempts().isEmpty })
            #expect(try await harness.attempts().first?.error?.contains("replied 451 at message") == true)
            #expect(try await harness.sharedCircuits() == [harness.relayCircuit])
            #expect(try await harness.statuses() == ["pending": 1])
        }
    }

    @Test("a webhook removed from the directory closes its delivery: no attempt, no failure, no report")
    func aRemovedWebhookIsNotAFailure() async throws {
        let smtp = try PythonTestServer(script: "smtp_sink.py")
        try await smtp.start()
        let harness = try await NotificationTestHarness(smtpPort: smtp.port)
        try await harness.run {
            let person = NotificationFixtures.focalPoint("fp@health.example.az", webhook: "https://hooks.health.example.az/alerts")
            try await harness.add([person])
            try await harness.receive(NotificationFixtures.escalation(step: 1, audiences: [.focalPoints]))
            try await harness.execute(
                "UPDATE $SCHEMA.recipients SET webhook_url = NULL, webhook_secret = NULL WHERE id = $1", [.uuid(person.id)])
            try await harness.deliver(until: { try await harness.statuses() == ["sent": 1, "cancelled": 1] })
            #expect(try await harness.statuses(of: .webhook) == ["cancelled": 1])
            #expect(try await harness.attempts().map(\.result) == ["sent"], "only the email was attempted")
            #expect(try await harness.sharedCircuits().isEmpty)
            #expect(try await harness.openCircuits() == 0)
            #expect(try await harness.outbox().isEmpty)
        }
    }

    @Test("an email whose success cannot be recorded is not sent again when its lease expires")
    func anUnrecordedSuccessIsNotSentAgain() async throws {
        try await withAlertToTheChair { harness, smtp in
            // The database refuses to record the success (as if it failed right after the send).
            try await harness.refuseRecordingSent()
            #expect(try await harness.worker.runOnce() == 1)
            #expect(try smtp.records().count == 1)
            #expect(try await harness.statuses() == ["pending": 1])
            // The lease runs out; another round claims the delivery again.
            try await harness.allowRecordingSentAndExpireLeases()
            try await harness.deliver(until: { try await harness.statuses() != ["pending": 1] })
            #expect(try await harness.statuses() == ["unconfirmed": 1])
            #expect(try await harness.attempts().map(\.result) == ["unknown"])
            for _ in 0..<3 { try await harness.worker.runOnce() }
            #expect(try smtp.records().count == 1, "sent once")
        }
    }

    @Test("a webhook whose success cannot be recorded is posted again with the same delivery id, for the receiver to deduplicate")
    func anUnrecordedWebhookIsPostedAgainWithItsId() async throws {
        let (smtp, hooks) = try await PythonTestServer.startedSinkAndReceiver()
        let harness = try await NotificationTestHarness(smtpPort: smtp.port)
        try await harness.run {
            try await harness.add([NotificationFixtures.focalPoint("fp@health.example.az", webhook: "http://127.0.0.1:\(hooks.port)/alerts")])
            try await harness.receive(NotificationFixtures.escalation(step: 1, audiences: [.focalPoints]))
            try await harness.refuseRecordingSent()
            #expect(try await harness.worker.runOnce() == 2)
            try await harness.allowRecordingSentAndExpireLeases()
            try await harness.deliver(until: { try await harness.statuses() == ["sent": 1, "unconfirmed": 1] })
            #expect(try await harness.statuses(of: .email) == ["unconfirmed": 1])
            #expect(try await harness.statuses(of: .webhook) == ["sent": 1])
            let ids = try hooks.records().compactMap { ($0["body"] as? [String: Any])?["deliveryId"] as? String }
            #expect(ids.count == 2 && Set(ids).count == 1, "the same delivery id twice: \(ids)")
            #expect(try smtp.records().count == 1)
        }
    }

    @Test("a transfer that never started because the service stops is not an attempt")
    func aTransferCancelledAtShutdownIsNotRecorded() async throws {
        try await withAlertToTheChair { harness, smtp in
            await harness.sender.shutdown()
            #expect(try await harness.worker.runOnce() == 1)
            #expect(try await harness.attempts().isEmpty)
            #expect(try await harness.statuses() == ["pending": 1])
            #expect(try await harness.sharedCircuits().isEmpty)
            try await harness.execute("""
                DO $$ BEGIN
                    IF EXISTS (SELECT 1 FROM $SCHEMA.deliveries WHERE leased_until IS NOT NULL OR sending_since IS NOT NULL) THEN
                        RAISE EXCEPTION 'delivery still held';
                    END IF;
                END $$
                """)
            #expect(try smtp.records().isEmpty)
        }
    }

    @Test("a request reads only the active people its audiences may address, and no webhook secret")
    func aRequestReadsOnlyTheEntriesItNeeds() async throws {
        let harness = try await NotificationTestHarness(smtpPort: 1)
        try await harness.run {
            let focal = NotificationFixtures.focalPoint("fp@health.example.az", webhook: "https://hooks.health.example.az/a")
            let others = [
                NotificationFixtures.focalPoint("fp@labour.example.az", agency: "labour"),
                Recipient(name: "Gone", role: .focalPoint, agencies: ["health"], email: "gone@health.example.az", active: false),
                Recipient(name: "Member", role: .workingGroupMember, agencies: ["health"], email: "wg@example.az"),
                Recipient(name: "Operator", role: .operator, email: "ops@example.az"),
            ]
            let chair = Recipient(name: "Chair", role: .chair, email: "chair@example.az")
            try await harness.add([focal, chair] + others)
            let request = NotificationFixtures.escalation(step: 1, audiences: [.focalPoints, .chair])
            let store = DeliveryStore(schema: harness.schema)
            let read = try await harness.pool.withConnection { connection in try store.directory(for: request, on: connection) }
            #expect(Set(read.map(\.id)) == [focal.id, chair.id])
            #expect(read.allSatisfy { $0.webhookSecret == nil })
            #expect(read.first { $0.id == focal.id }?.channels == [.email, .webhook])
        }
    }
}
