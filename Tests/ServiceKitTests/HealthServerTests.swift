import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import Testing

@testable import ServiceKit

@Suite("HealthServer")
struct HealthServerTests {
    /// Starts a server on a free loopback port inside a service group, runs `body`
    /// against it, then shuts the group down gracefully and waits for it to finish.
    static func withServer(
        registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        checks: [ReadinessCheck],
        checkTimeout: Duration = .seconds(2),
        _ body: (Int) async throws -> Void
    ) async throws {
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let server = HealthServer(
            host: "127.0.0.1",
            port: 0,
            registry: registry,
            readinessChecks: checks,
            checkTimeout: checkTimeout,
            logger: Logger(label: "health-server-test"),
            configureRoutes: { router in
                router.get("/about") { _, _ in "intake" }
            },
            onListening: { port in portContinuation.yield(port) }
        )
        let group = ServiceGroup.cluster(
            services: [server], gracePeriod: .seconds(5), logger: Logger(label: "group-test"),
            gracefulShutdownSignals: [], cancellationSignals: [])
        let running = Task { try await group.run() }

        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        #expect(port > 0)
        do {
            try await body(port)
        } catch {
            await group.triggerGracefulShutdown()
            _ = try? await running.value
            throw error
        }
        await group.triggerGracefulShutdown()
        // Finishing without error means graceful shutdown completed.
        try await running.value
    }

    @Test("healthz answers ok; readyz reports every check; metrics shows a counter")
    func endpoints() async throws {
        let registry = PrometheusCollectorRegistry()
        let counter = Counter(
            label: "servicekit_test_messages_total", factory: MetricsBootstrap.makeFactory(registry: registry))
        counter.increment(by: 3)
        let broker = ReadinessState(ready: true)
        let checks = [
            ReadinessCheck(name: "broker", state: broker),
            ReadinessCheck(name: "database") { true },
        ]

        try await Self.withServer(registry: registry, checks: checks) { port in
            let health = try await LoopbackHTTPClient.get(port: port, path: "/healthz")
            #expect(health.status == 200)
            #expect(health.headers["content-type"] == "application/json")
            #expect(health.body == #"{"status":"ok"}"#)

            let ready = try await LoopbackHTTPClient.get(port: port, path: "/readyz")
            #expect(ready.status == 200)
            #expect(ready.body == #"{"status":"ready","checks":{"broker":true,"database":true}}"#)

            broker.markNotReady()
            let notReady = try await LoopbackHTTPClient.get(port: port, path: "/readyz")
            #expect(notReady.status == 503)
            #expect(notReady.body == #"{"status":"not-ready","checks":{"broker":false,"database":true}}"#)

            broker.markReady()
            #expect(try await LoopbackHTTPClient.get(port: port, path: "/readyz").status == 200)

            let metrics = try await LoopbackHTTPClient.get(port: port, path: "/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.headers["content-type"] == "text/plain; version=0.0.4")
            #expect(metrics.body.contains("servicekit_test_messages_total 3"))

            let about = try await LoopbackHTTPClient.get(port: port, path: "/about")
            #expect(about.status == 200)
            #expect(about.body == "intake")

            #expect(try await LoopbackHTTPClient.get(port: port, path: "/nowhere").status == 404)
        }
    }

    @Test("a check that overruns its time counts as failed")
    func slowCheck() async throws {
        let checks = [
            ReadinessCheck(name: "fast") { true },
            ReadinessCheck(name: "stuck") {
                // Ignores cancellation on purpose: the answer must not wait for it.
                await withCheckedContinuation { continuation in
                    Thread {
                        Thread.sleep(forTimeInterval: 30)
                        continuation.resume()
                    }.start()
                }
                return true
            },
        ]
        try await Self.withServer(checks: checks, checkTimeout: .milliseconds(300)) { port in
            let started = ContinuousClock.now
            let reply = try await LoopbackHTTPClient.get(port: port, path: "/readyz")
            // Far below the stuck check's 30 s: the answer did not wait for it.
            #expect(ContinuousClock.now - started < .seconds(15))
            #expect(reply.status == 503)
            #expect(reply.body == #"{"status":"not-ready","checks":{"fast":true,"stuck":false}}"#)
        }
    }

    @Test("no checks means ready")
    func noChecks() async throws {
        try await Self.withServer(checks: []) { port in
            let reply = try await LoopbackHTTPClient.get(port: port, path: "/readyz")
            #expect(reply.status == 200)
            #expect(reply.body == #"{"status":"ready","checks":{}}"#)
        }
    }

    @Test("check names are JSON-escaped")
    func escapedNames() {
        #expect(JSONText.quoted("odd\"name\n\u{2028}\u{1F}") == #""odd\"name\n\u2028\u001f""#)
    }
}
