import Foundation
import NotificationDomain
import Testing
import WorkingCalendar

@Suite("Retries, failure classes and sites, circuits, working hours and signatures")
struct DeliveryPolicyTests {
    let created = Date(timeIntervalSince1970: 1_780_000_000)

    @Test func transientFailuresBackOffExponentiallyWithJitterThenStop() {
        let policy = RetryPolicy()
        var previousUpperBound = 0.0
        for attempt in 1..<policy.maximumAttempts {
            let base = policy.backoff(afterAttempt: attempt)
            #expect(base >= previousUpperBound || base == 3600)
            previousUpperBound = base
            for _ in 0..<20 {
                guard case .retry(let at) = policy.decision(afterAttempt: attempt, failure: .transient, firstAttemptAt: created, now: created)
                else {
                    Issue.record("attempt \(attempt) should be retried")
                    return
                }
                let delay = at.timeIntervalSince(created)
                #expect(delay >= base / 2 && delay <= base)
            }
        }
        #expect(policy.decision(afterAttempt: policy.maximumAttempts, failure: .transient, firstAttemptAt: created, now: created) == .giveUp)
    }

    @Test func retriesEndAtTheMaximumAgeAndPermanentFailuresAreNotRetried() {
        let policy = RetryPolicy()
        let late = created.addingTimeInterval(24 * 3600 - 10)
        #expect(policy.decision(afterAttempt: 2, failure: .transient, firstAttemptAt: created, now: late) == .giveUp)
        #expect(policy.decision(afterAttempt: 1, failure: .permanent, firstAttemptAt: created, now: created) == .giveUp)
    }

    @Test("a failure counts where it is: the relay, a webhook receiver, or one person")
    func failureClassesAndSites() {
        // Nothing about the recipient yet: the relay's, whatever it answered.
        #expect(FailureClass.email(responseCode: nil, aboutRecipient: false) == (.transient, .relay))
        #expect(FailureClass.email(responseCode: 421, aboutRecipient: false) == (.transient, .relay))
        #expect(FailureClass.email(responseCode: 554, aboutRecipient: false) == (.transient, .relay))
        // A refused relay login is ours to fix, not the recipient's fault.
        #expect(FailureClass.email(responseCode: 535, aboutRecipient: false) == (.transient, .relay))
        // RCPT TO refused: that person only; permanently for 5yz.
        #expect(FailureClass.email(responseCode: 550, aboutRecipient: true) == (.permanent, .recipient))
        #expect(FailureClass.email(responseCode: 450, aboutRecipient: true) == (.transient, .recipient))
        // The connection dropped while sending the recipient: no answer about them.
        #expect(FailureClass.email(responseCode: nil, aboutRecipient: true) == (.transient, .relay))
        #expect(FailureClass.webhook(status: 503) == (.transient, .receiver))
        #expect(FailureClass.webhook(status: 429) == (.transient, .receiver))
        #expect(FailureClass.webhook(status: nil) == (.transient, .receiver))
        #expect(FailureClass.webhook(status: 404) == (.permanent, .recipient))
        #expect(FailureSite.relay.isShared && FailureSite.receiver.isShared && !FailureSite.recipient.isShared)
    }

    @Test func aPersonIsPausedAfterTheThresholdAndSharedEndpointsAreProbedWithBackoff() {
        let policy = CircuitBreakerPolicy(failureThreshold: 3, pause: .seconds(60), firstProbeDelay: .seconds(2), probeInterval: .seconds(30))
        #expect(policy.openUntil(consecutiveFailures: 2, now: created) == nil)
        #expect(policy.openUntil(consecutiveFailures: 3, now: created) == created.addingTimeInterval(60))
        #expect((1...6).map { policy.probeDelay(afterFailures: $0) } == [2, 4, 8, 16, 30, 30].map { Duration.seconds($0) })
        #expect(CircuitBreakerPolicy(firstProbeDelay: .seconds(90), probeInterval: .seconds(30)).probeDelay(afterFailures: 1) == .seconds(30))
    }

    @Test func aDeliveryWaitsBehindASharedCircuitUntilItsMaximumAge() {
        let policy = RetryPolicy(maximumAge: .seconds(3600))
        #expect(policy.keepsWaiting(firstAttemptAt: created, now: created.addingTimeInterval(3599)))
        #expect(!policy.keepsWaiting(firstAttemptAt: created, now: created.addingTimeInterval(3600)))
    }

    @Test func remindersWaitForTheNextWorkingHours() throws {
        let hours = try #require(WorkingHours("09:00-18:00"))
        // Friday 2026-06-05 19:00 Baku (15:00Z) → Monday 2026-06-08 09:00 Baku (05:00Z).
        let fridayEvening = try #require(ISO8601DateFormatter().date(from: "2026-06-05T15:00:00Z"))
        let monday = try #require(ISO8601DateFormatter().date(from: "2026-06-08T05:00:00Z"))
        #expect(hours.nextAllowedInstant(atOrAfter: fridayEvening) == monday)
        let mondayNoon = monday.addingTimeInterval(3 * 3600)
        #expect(hours.nextAllowedInstant(atOrAfter: mondayNoon) == mondayNoon)
        #expect(WorkingHours("18:00-09:00") == nil)
        #expect(WorkingHours("9-18") == nil)
    }

    @Test func signatureIsHMACSHA256OfTimestampDotBody() {
        let body = Array(#"{"a":1}"#.utf8)
        let signature = WebhookSignature.sign(body: body, timestamp: 1_700_000_000, secret: "key")
        // Independently computed: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac key
        #expect(signature == "sha256=" + Self.expectedHex)
        #expect(WebhookSignature.verify(signature: signature, body: body, timestamp: 1_700_000_000, secret: "key"))
        #expect(!WebhookSignature.verify(signature: signature, body: body, timestamp: 1_700_000_001, secret: "key"))
        #expect(!WebhookSignature.verify(signature: signature, body: body, timestamp: 1_700_000_000, secret: "other"))
    }

    static let expectedHex = "a438e398bfafc57e4396bb7fc2304422f0f768e965d073ca313cb52e22e6ad03"
}
