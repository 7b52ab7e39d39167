import Foundation
import TestSupport
import Testing

/// A service given a wrong broker password says so on /readyz and in its log, and backs off.
@Suite("A refused broker login is reported")
struct BrokerLoginReadinessTests {
    @Test("with a wrong broker password, /readyz and the log say authentication failed, without the password, and retries back off")
    func wrongPasswordIsReported() async throws {
        let secret = "wrong-\(UUID().uuidString.prefix(8))"
        var url = try #require(URLComponents(string: TestEnvironment.value("REINTEGRATION_TEST_INTAKE_AMQP_URL")))
        url.password = secret
        // Away from the cluster tests' ports (21000 and up).
        let port = 29_500 + Int(getpid() % 400)
        let intake = try ServiceProcess(
            name: "intake", httpPort: port, extraEnvironment: ["AMQP_URL": try #require(url.string), "LOG_LEVEL": "info"])
        try intake.start()
        var reply = (status: 0, body: "")
        let started = ContinuousClock.now
        while ContinuousClock.now - started < .seconds(60) {
            reply = await intake.get(path: "/readyz")
            if reply.body.contains("authentication failed") { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        // Some seconds of retrying, to count the attempts.
        try await Task.sleep(for: .seconds(3))
        await intake.stop()
        #expect(reply.status == 503)
        #expect(reply.body.contains(#""broker":false"#))
        #expect(reply.body.contains("authentication failed for user svc-intake"))
        #expect(!reply.body.contains(secret))
        let log = intake.log()
        #expect(!log.contains(secret))
        let failures = log.split(separator: "\n").filter { $0.contains("amqp authentication failed") }
        #expect(!failures.isEmpty)
        #expect(failures.allSatisfy { $0.contains(#""level":"error""#) })
        // Two clients (publishing and consuming) backing off from 0.2 s up to 10 s: tens of
        // attempts at most in this time, not the thousands of a tight loop.
        let elapsed = Double((ContinuousClock.now - started).components.seconds) + 1
        #expect(Double(failures.count) < 4 * elapsed + 10)
    }
}
