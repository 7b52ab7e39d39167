import Contract
import Foundation
@testable import Notification
import NotificationDomain
import Postgres
import Testing

/// The handler and worker against the real test database, a real SMTP server and a real
/// webhook receiver (Python subprocesses this suite starts and stops).
@Suite("Deliveries end to end", .serialized)
struct DeliveryIntegrationTests {
    @Test func rightPeopleGetTheirLanguageBySignedWebhookAndNothingTwice() async throws {
        let (smtp, hooks) = try await PythonTestServer.startedSinkAndReceiver()
        let harness = try await NotificationTestHarness(smtpPort: smtp.port)
        try await harness.run {
            let azFocal = NotificationFixtures.focalPoint("fp.az@health.example.az", webhook: "http://127.0.0.1:\(hooks.port)/alerts")
            let enFocal = NotificationFixtures.focalPoint("fp.en@health.example.az", language: .en)
            let otherAgency = NotificationFixtures.focalPoint("fp@labour.example.az", agency: "labour")
            let inactive = Recipient(name: "Former", role: .focalPoint, agencies: ["health"], email: "former@health.example.az", active: false)
            let chair = Recipient(name: "Chair", role: .chair, email: "chair@example.az", language: .en)
            try await harness.add([azFocal, enFocal, otherAgency, inactive, chair])

            let request = NotificationFixtures.escalation(step: 1, audiences: [.focalPoints])
            #expect(try await harness.receive(request) == .applied)
            try await harness.deliver(until: { try await harness.statuses()["sent"] == 3 })
            // The same request again (a redelivery): nothing new is planned or sent.
            #expect(try await harness.receive(request) == .duplicate)
            for _ in 0..<3 { try await harness.worker.runOnce() }

            #expect(try await harness.statuses() == ["sent": 3])
            let mails = try smtp.records()
            #expect(mails.count == 2)
            let byAddress = Dictionary(uniqueKeysWithValues: mails.map { (($0["rcptTo"] as? [String])?.first ?? "", $0) })
            #expect(Set(byAddress.keys) == [azFocal.email, enFocal.email])
            let azMail = try #require(byAddress[azFocal.email])
            #expect((azMail["subject"] as? String)?.hasPrefix("[Reinteqrasiya] health: ") == true)
            #expect((azMail["subject"] as? String)?.contains("(xatırlatma, addım 1)") == true)
            #expect((azMail["body"] as? String)?.contains("Şəxs:          Ə.M.") == true)
            #expect((azMail["html"] as? String)?.contains("<td>Ə.M.</td>") == true, "an HTML part beside the text")
            let enMail = try #require(byAddress[enFocal.email])
            #expect((enMail["subject"] as? String)?.hasPrefix("[Reintegration] health: ") == true)
            #expect((enMail["subject"] as? String)?.contains("(reminder, step 1)") == true)
            #expect(enMail["contentType"] as? String == "multipart/alternative")
            // Every alert of one referral threads under the same root in a mail reader.
            let thread = "<referral-\(ContractID.text(NotificationFixtures.referralId))@reintegration>"
            #expect(mails.allSatisfy { $0["references"] as? String == thread && $0["inReplyTo"] as? String == thread })
            #expect(Set(mails.compactMap { $0["messageId"] as? String }).count == 2)
            #expect((enMail["body"] as? String)?.contains(NotificationFixtures.referralId.uuidString.lowercased()) == true)
            #expect(enMail["mailFrom"] as? String == "alerts@reintegration.test")

            let posts = try hooks.records()
            #expect(posts.count == 1)
            let post = try #require(posts.first)
            #expect(post["signatureValid"] as? Bool == true)
            #expect(post["contentType"] as? String == "application/json")
            let payload = try #require(post["body"] as? [String: Any])
            #expect(payload["schema"] as? String == "reintegration-alert.v1")
            #expect(payload["language"] as? String == "az")
            #expect(payload["personInitials"] as? String == "Ə.M.")
            #expect(payload["referralId"] as? String == ContractID.text(NotificationFixtures.referralId))
            #expect(try await harness.attempts().allSatisfy { $0.result == "sent" })
            // One spelling of ids in what people and receivers get.
            for output in mails.map({ "\($0["raw"] ?? "")\($0["body"] ?? "")" }) + [String(describing: payload)] {
                #expect(IdentifierSpellingTests.upperCaseIds(in: output).isEmpty, "\(output)")
            }
        }
    }

    @Test func aRelayThatIsDownAtFirstGetsTheEmailLater() async throws {
        let smtp = try PythonTestServer(script: "smtp_sink.py")
        let harness = try await NotificationTestHarness(smtpPort: smtp.port)
        try await harness.run {
            let chair = Recipient(name: "Chair", role: .chair, email: "chair@example.az", language: .en)
            try await harness.add([chair])

            try await harness.receive(NotificationFixtures.escalation(step: 4, audiences: [.chair, .secretariat]))
            try await harness.deliver(until: { try await !harness.attempts().isEmpty })
            let first = try #require(try await harness.attempts().first)
            #expect(first.result == "transient")
            #expect(first.error?.contains("chair@example.az") == false)
            #expect(try await harness.statuses() == ["pending": 1])

            try await smtp.start()
            try await harness.deliver(until: { try await harness.statuses()["sent"] == 1 })
            #expect(try await harness.statuses() == ["sent": 1])
            #expect(try smtp.records().count == 1)
            #expect(try await harness.attempts().last?.result == "sent")
            #expect(try await harness.outbox().isEmpty)
        }
    }

    @Test("a delivery held for days still gets its retries: the window starts at its first attempt")
    func retryWindowStartsAtTheFirstAttempt() async throws {
        let smtp = try PythonTestServer(script: "smtp_sink.py")
        let harness = try await NotificationTestHarness(
            smtpPort: smtp.port,
            retry: RetryPolicy(maximumAge: .seconds(60), initialDelay: .milliseconds(100), maximumDelay: .milliseconds(400)))
        try await harness.run {
            try await harness.add([Recipient(name: "Chair", role: .chair, email: "chair@example.az", language: .en)])
            try await harness.receive(NotificationFixtures.escalation(step: 4, audiences: [.chair]))
            // As if held to working hours over a long weekend: planned three days ago.
            let schema = PostgresIdentifier.quoted(harness.schema)
            try await harness.pool.withConnection { connection in
                try connection.execute("UPDATE \(schema).deliveries SET created_at = now() - interval '3 days'")
            }
            try await harness.deliver(until: { try await !harness.attempts().isEmpty })
            #expect(try await harness.attempts().map(\.result) == ["transient"])
            #expect(try await harness.statuses() == ["pending": 1])

            try await smtp.start()
            try await harness.deliver(until: { try await harness.statuses()["sent"] == 1 })
            #expect(try await harness.statuses() == ["sent": 1])
            #expect(try await harness.outbox().isEmpty)
        }
    }

    @Test func aPermanentlyRefusedAddressEndsFailedAndIsReportedToOperatorsOnce() async throws {
        let smtp = try PythonTestServer(script: "smtp_sink.py", arguments: ["--reject-prefix", "reject"])
        try await smtp.start()
        let harness = try await NotificationTestHarness(smtpPort: smtp.port)
        try await harness.run {
            let refused = NotificationFixtures.focalPoint("reject.me@health.example.az")
            let fine = NotificationFixtures.focalPoint("fine@health.example.az")
            let refusedOperator = Recipient(name: "Operator", role: .operator, email: "reject.ops@example.az", language: .en)
            try await harness.add([refused, fine, refusedOperator])

            let request = NotificationFixtures.escalation(step: 2, audiences: [.focalPoints])
            try await harness.receive(request)
            try await harness.deliver(until: { try await harness.statuses() == ["sent": 1, "failed": 1] })
            #expect(try await harness.statuses() == ["sent": 1, "failed": 1])
            let attempts = try await harness.attempts()
            #expect(attempts.filter { $0.result == "permanent" }.count == 1, "a permanent refusal is not retried")
            #expect(attempts.allSatisfy { $0.error?.contains("reject.me") != true })
            #expect(try await harness.sharedCircuits().isEmpty, "one refused address is not the relay's failure")

            let reports = try await harness.outbox()
            #expect(reports.count == 1)
            let report = try #require(reports.first)
            #expect(report.routingKey == "notification.operator")
            #expect(report.request.kind == .operatorReport)
            #expect(report.request.audiences == [.operators])
            #expect(report.request.referralId == NotificationFixtures.referralId)

            // The report comes back as a request; its own delivery fails too, and no report about it follows.
            try await harness.receive(report.request)
            try await harness.deliver(until: { try await harness.statuses()["failed"] == 2 })
            #expect(try await harness.statuses() == ["sent": 1, "failed": 2])
            #expect(try await harness.outbox().count == 1)
        }
    }

    @Test("an alert that reaches nobody is reported to the operators, once, and a report about it is not reported again")
    func alertReachingNobodyIsReported() async throws {
        let harness = try await NotificationTestHarness(smtpPort: 1)
        try await harness.run {
            // Nobody represents the labour ministry in this directory.
            try await harness.add([NotificationFixtures.focalPoint("fp@health.example.az")])
            var request = NotificationFixtures.escalation(step: 3, audiences: [.focalPoints])
            request.agency = "labour"
            #expect(try await harness.receive(request) == .applied)
            #expect(try await harness.receive(request) == .duplicate)
            let reports = try await harness.outbox()
            #expect(reports.count == 1)
            let report = try #require(reports.first)
            #expect(report.routingKey == "notification.operator")
            #expect(report.request.kind == .operatorReport)
            #expect(report.request.problem == .noRecipient)
            #expect(report.request.referralId == NotificationFixtures.referralId)
            #expect(report.request.agency == "labour")
            #expect(report.request.personInitials == nil, "ids only")

            // No operator in the directory either: the report reaches nobody, and that is not reported again.
            #expect(try await harness.receive(report.request) == .applied)
            #expect(try await harness.outbox().count == 1)
        }
    }

    @Test("a receiver's server errors hold its deliveries behind its host's circuit, probed until their maximum age; client errors are not retried")
    func webhookServerErrorsWaitForTheirReceiverAndClientErrorsAreNot() async throws {
        let (smtp, hooks) = try await PythonTestServer.startedSinkAndReceiver()
        let harness = try await NotificationTestHarness(
            smtpPort: smtp.port,
            retry: RetryPolicy(maximumAttempts: 3, maximumAge: .seconds(3), initialDelay: .milliseconds(50), maximumDelay: .milliseconds(100)),
            circuit: CircuitBreakerPolicy(failureThreshold: 20, pause: .seconds(60), firstProbeDelay: .milliseconds(200), probeInterval: .milliseconds(400)))
        try await harness.run {
            let gone = NotificationFixtures.focalPoint("gone@health.example.az", webhook: "http://127.0.0.1:\(hooks.port)/status/404")
            let busy = NotificationFixtures.focalPoint("busy@health.example.az", webhook: "http://localhost:\(hooks.port)/status/503")
            try await harness.add([gone, busy])

            try await harness.receive(NotificationFixtures.escalation(step: 3, audiences: [.focalPoints]))
            try await harness.deliver(until: { try await harness.sharedCircuits() == ["webhook:localhost"] })
            #expect(try await harness.sharedCircuits() == ["webhook:localhost"], "the failing receiver's host only")
            try await harness.deliver(until: { try await harness.statuses(of: .webhook)["failed"] == 2 })
            #expect(try await harness.statuses(of: .email) == ["sent": 2])
            #expect(try await harness.statuses(of: .webhook) == ["failed": 2])
            let posts = try hooks.records().compactMap { $0["path"] as? String }
            #expect(posts.filter { $0 == "/status/404" }.count == 1, "a client error is not retried")
            let busyPosts = posts.filter { $0 == "/status/503" }.count
            // One post, then one probe per interval at most: never a retry per delivery and worker round.
            #expect(busyPosts >= 2 && busyPosts <= 12, "\(busyPosts) posts to the failing receiver")
            #expect(try await harness.openCircuits() == 0, "a receiver's failures are not the person's")
            #expect(try await harness.outbox().count == 2)
        }
    }

    @Test func aPersonWhoseMailboxKeepsDeferringIsPausedAndNobodyElse() async throws {
        let smtp = try PythonTestServer(script: "smtp_sink.py", arguments: ["--defer-prefix", "busy"])
        try await smtp.start()
        let harness = try await NotificationTestHarness(
            smtpPort: smtp.port, retry: RetryPolicy(initialDelay: .milliseconds(20), maximumDelay: .milliseconds(20)),
            circuit: CircuitBreakerPolicy(failureThreshold: 2, pause: .seconds(60)))
        try await harness.run {
            try await harness.add([
                Recipient(name: "Secretariat", role: .secretariat, email: "busy.sec@example.az"),
                Recipient(name: "Chair", role: .chair, email: "chair@example.az"),
            ])

            try await harness.receive(NotificationFixtures.escalation(step: 4, audiences: [.secretariat, .chair]))
            try await harness.deliver(until: { try await harness.openCircuits() == 1 })
            #expect(try await harness.openCircuits() == 1)
            let attemptsWhenOpened = try await harness.attempts().count
            #expect(attemptsWhenOpened == 3, "two deferrals of the busy mailbox, one send to the chair")
            for _ in 0..<5 {
                #expect(try await harness.worker.runOnce() == 0)
                try await Task.sleep(for: .milliseconds(30))
            }
            #expect(try await harness.attempts().count == attemptsWhenOpened)
            #expect(try await harness.statuses() == ["pending": 1, "sent": 1])
            #expect(try await harness.sharedCircuits().isEmpty, "the relay answered: its circuit stays closed")
            #expect(try smtp.records().count == 1)
        }
    }

    @Test func remindersWaitForWorkingHoursButEscalationAlertsDoNot() async throws {
        let harness = try await NotificationTestHarness(smtpPort: try PythonTestServer.freePort())
        try await harness.run {
            try await harness.add([NotificationFixtures.focalPoint("fp@health.example.az")])
            // Friday 2026-06-05 19:00 in Baku: after hours before a weekend.
            let fridayEvening = Date(timeIntervalSince1970: 1_780_671_600)
            var handler = NotificationRequestHandler(schema: harness.schema, workingHours: WorkingHours("09:00-18:00"), logger: harness.logger)
            handler.now = { fridayEvening }
            let reminder = NotificationFixtures.escalation(step: 1, audiences: [.focalPoints])
            let alert = NotificationFixtures.escalation(step: 3, audiences: [.focalPoints])
            try await harness.receive(reminder, by: handler)
            try await harness.receive(alert, by: handler)
            // Monday 2026-06-08 09:00 in Baku.
            #expect(try await harness.dueTimes(key: reminder.deliveryKey) == [Date(timeIntervalSince1970: 1_780_894_800)])
            #expect(try await harness.dueTimes(key: alert.deliveryKey) == [fridayEvening])
        }
    }
}
