import Foundation
import TestSupport
import Testing

/// A service process stops cleanly when asked, even with its broker gone, and a service
/// that fails never exits 0.
@Suite("Process lifecycle")
struct ProcessLifecycleTests {
    /// Away from the cluster tests' ports (21000 and up) and the login test's (29500 and up).
    static func port(_ offset: Int) -> Int { 28_600 + Int(getpid() % 300) * 3 + offset }

    @Test("SIGTERM while the broker is unreachable ends the service gracefully, with exit 0")
    func stopDuringBrokerOutage() async throws {
        var url = try #require(URLComponents(string: TestEnvironment.value("REINTEGRATION_TEST_INTAKE_AMQP_URL")))
        url.port = 1  // nothing listens there: every connect attempt fails
        let intake = try ServiceProcess(
            name: "intake", httpPort: Self.port(0), extraEnvironment: ["AMQP_URL": try #require(url.string)])
        try intake.start()
        // Running (health server up) but not ready: the broker is unreachable.
        for _ in 0..<600 where await intake.status(path: "/healthz") != 200 {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(await intake.status(path: "/readyz") == 503)
        // SHUTDOWN_GRACE is 10 s; stop() falls back to SIGKILL only after 30 s, which would
        // show as a status other than 0.
        await intake.stop(signal: SIGTERM)
        #expect(intake.exitStatus == 0, "\(intake.log())")
        #expect(intake.log().contains(#""msg":"stopped""#), "\(intake.log())")
    }

    @Test("a service that cannot serve its health port stops with a non-zero exit status, saying why")
    func failedStartIsNotSuccess() async throws {
        let port = Self.port(1)
        // Another service holds the port, so the two logs (named by service and port) stay apart.
        let first = try ServiceProcess(name: "intake", httpPort: port)
        try first.start()
        try await first.waitUntilReady()
        let second = try ServiceProcess(name: "notification", httpPort: port)
        try second.start()
        for _ in 0..<600 where second.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        await first.stop()
        #expect(!second.isRunning, "a second service on a port in use kept running")
        #expect(second.exitStatus == 1, "\(second.log())")
        #expect(second.log().contains(#""level":"critical""#), "\(second.log())")
        // Its workers never started, so it claimed no delivery and took no message.
        #expect(!second.log().contains("delivery worker started"), "\(second.log())")
        await second.stop()
    }
}
