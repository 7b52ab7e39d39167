#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import ServiceKit

/// Records what happens to the services under test, in order.
final class EventLog: Sendable {
    private let events = Mutex<[String]>([])
    var entries: [String] { events.withLock { $0 } }
    func record(_ event: String) { events.withLock { $0.append(event) } }
}

/// A service that stops when asked to shut down gracefully.
struct PoliteService: Service {
    let name: String
    let log: EventLog

    func run() async throws {
        log.record("\(name) started")
        try? await gracefulShutdown()
        log.record("\(name) stopped")
    }
}

/// A service that ignores graceful shutdown and stops only when cancelled.
struct StubbornService: Service {
    let log: EventLog

    func run() async throws {
        log.record("stubborn started")
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(20))
        }
        log.record("stubborn cancelled")
    }
}

/// Signals go to the whole process, so these tests run one after another, and use
/// SIGWINCH, which does nothing to a process that does not handle it.
@Suite("The services' group", .serialized)
struct ServiceGroupTests {
    static func waitFor(_ event: String, in log: EventLog) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while !log.entries.contains(event) {
            guard ContinuousClock.now < deadline else {
                Issue.record("timed out waiting for \(event)")
                return
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    @Test("services start in order and stop in reverse order on graceful shutdown")
    func startAndStopOrder() async throws {
        let log = EventLog()
        let group = ServiceGroup.cluster(
            services: [PoliteService(name: "first", log: log), PoliteService(name: "second", log: log)],
            gracePeriod: .seconds(5), logger: Logger(label: "group-test"), gracefulShutdownSignals: [], cancellationSignals: [])
        let running = Task { try await group.run() }
        try await Self.waitFor("second started", in: log)
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(log.entries.suffix(2) == ["second stopped", "first stopped"])
    }

    @Test("the first signal shuts down gracefully")
    func firstSignal() async throws {
        let log = EventLog()
        let group = ServiceGroup.cluster(
            services: [PoliteService(name: "only", log: log)],
            gracePeriod: .seconds(5), logger: Logger(label: "group-test"), gracefulShutdownSignals: [.sigwinch],
            cancellationSignals: [])
        let running = Task { try await group.run() }
        try await Self.waitFor("only started", in: log)
        kill(getpid(), SIGWINCH)
        try await running.value
        #expect(log.entries == ["only started", "only stopped"])
    }

    @Test("a cancellation signal during a graceful shutdown cancels services that do not stop")
    func cancellationSignal() async throws {
        let log = EventLog()
        let group = ServiceGroup.cluster(
            services: [StubbornService(log: log)],
            gracePeriod: .seconds(60), logger: Logger(label: "group-test"), gracefulShutdownSignals: [.sigwinch],
            cancellationSignals: [.sigcont])
        let started = ContinuousClock.now
        let running = Task { try await group.run() }
        try await Self.waitFor("stubborn started", in: log)
        kill(getpid(), SIGWINCH)
        try await Task.sleep(for: .milliseconds(200))
        #expect(!log.entries.contains("stubborn cancelled"))
        kill(getpid(), SIGCONT)
        _ = try? await running.value
        #expect(log.entries.contains("stubborn cancelled"))
        #expect(ContinuousClock.now - started < .seconds(30))
    }

    @Test("the grace period running out cancels services that do not stop")
    func gracePeriodExpiry() async throws {
        let log = EventLog()
        let group = ServiceGroup.cluster(
            services: [StubbornService(log: log)],
            gracePeriod: .milliseconds(300), logger: Logger(label: "group-test"), gracefulShutdownSignals: [],
            cancellationSignals: [])
        let running = Task { try await group.run() }
        try await Self.waitFor("stubborn started", in: log)
        let shutdownStarted = ContinuousClock.now
        await group.triggerGracefulShutdown()
        _ = try? await running.value
        #expect(log.entries.contains("stubborn cancelled"))
        #expect(ContinuousClock.now - shutdownStarted < .seconds(10))
    }
}
