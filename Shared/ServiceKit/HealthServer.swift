import Hummingbird
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle

/// The HTTP endpoint every service exposes for its orchestrator and for Prometheus.
///
/// - `GET /healthz`: 200 `{"status":"ok"}` while the process runs.
/// - `GET /readyz`: runs every ``ReadinessCheck`` concurrently, each limited to
///   `checkTimeout`; 200 `{"status":"ready","checks":{…}}` when all pass, otherwise
///   503 with `"status":"not-ready"`.
/// - `GET /metrics`: the registry in Prometheus text format.
///
/// Run it in the service's group (`ServiceGroup.cluster`); it stops on graceful shutdown. Put it
/// first in the service list so it is started first and stopped last.
public struct HealthServer: Service {
    /// Adds extra routes (e.g. a service's own read-only reports) to the router.
    public typealias RouteConfiguration = @Sendable (Router<BasicRequestContext>) -> Void

    /// Address the server binds to.
    public let host: String
    /// Port the server binds to; 0 asks the system for a free one (see `onListening`).
    public let port: Int
    private let registry: PrometheusCollectorRegistry
    private let readinessChecks: [ReadinessCheck]
    private let readinessDetails: [ReadinessDetail]
    private let checkTimeout: Duration
    private let logger: Logger
    private let configureRoutes: RouteConfiguration?
    private let onListening: (@Sendable (Int) async -> Void)?

    /// Creates the server.
    ///
    /// - Parameters:
    ///   - host: address to bind, e.g. `127.0.0.1` or `0.0.0.0`.
    ///   - port: port to bind; 0 for any free port.
    ///   - registry: metrics shown on `/metrics` (usually from ``MetricsBootstrap/bootstrap()``).
    ///   - readinessChecks: conditions `/readyz` reports, in the order given; names should be unique.
    ///   - readinessDetails: values `/readyz` shows under `details`, without affecting readiness.
    ///   - checkTimeout: time each check may take before it counts as failed.
    ///   - logger: logger for the server's own messages.
    ///   - configureRoutes: called once with the router to add further routes.
    ///   - onListening: called with the bound port once the server accepts connections.
    public init(
        host: String,
        port: Int,
        registry: PrometheusCollectorRegistry,
        readinessChecks: [ReadinessCheck] = [],
        readinessDetails: [ReadinessDetail] = [],
        checkTimeout: Duration = .seconds(2),
        logger: Logger,
        configureRoutes: RouteConfiguration? = nil,
        onListening: (@Sendable (Int) async -> Void)? = nil
    ) {
        self.host = host
        self.port = port
        self.registry = registry
        self.readinessChecks = readinessChecks
        self.readinessDetails = readinessDetails
        self.checkTimeout = checkTimeout
        self.logger = logger
        self.configureRoutes = configureRoutes
        self.onListening = onListening
    }

    /// Serves until graceful shutdown or cancellation.
    public func run() async throws {
        let router = Router(context: BasicRequestContext.self)
        let registry = registry
        let readinessChecks = readinessChecks
        let readinessDetails = readinessDetails
        let checkTimeout = checkTimeout

        router.get("/healthz") { _, _ in
            Self.json(.ok, #"{"status":"ok"}"#)
        }
        router.get("/readyz") { _, _ in
            let results = await Self.evaluate(readinessChecks, timeout: checkTimeout)
            var details: [(name: String, values: [String]?)] = []
            for detail in readinessDetails {
                details.append((detail.name, await TimeLimitedProbe.value(detail.probe, timeout: checkTimeout)))
            }
            return Self.readinessResponse(results, details: details)
        }
        router.get("/metrics") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = PrometheusExposition.contentType
            headers[.cacheControl] = "no-store"
            let body = ByteBuffer(bytes: PrometheusExposition.renderBytes(registry))
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body))
        }
        configureRoutes?(router)

        let host = host
        let logger = logger
        let onListening = onListening
        let application = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port)),
            onServerRunning: { channel in
                let boundPort = channel.localAddress?.port ?? 0
                logger.info(
                    "health server listening",
                    metadata: ["host": .string(host), "port": .stringConvertible(boundPort)])
                await onListening?(boundPort)
            },
            logger: logger
        )
        try await application.run()
        logger.info("health server stopped")
    }

    /// Runs all checks at once and returns their results in the order given.
    static func evaluate(_ checks: [ReadinessCheck], timeout: Duration) async -> [(name: String, passed: Bool)] {
        await withTaskGroup(of: (Int, Bool).self) { group in
            for (index, check) in checks.enumerated() {
                group.addTask {
                    (index, await TimeLimitedProbe.run(check.probe, timeout: timeout))
                }
            }
            var passed = Array(repeating: false, count: checks.count)
            for await (index, result) in group {
                passed[index] = result
            }
            return zip(checks, passed).map { (name: $0.name, passed: $1) }
        }
    }

    static func readinessResponse(
        _ results: [(name: String, passed: Bool)], details: [(name: String, values: [String]?)] = []
    ) -> Response {
        let allPassed = results.allSatisfy(\.passed)
        let checks = results.map { JSONText.quoted($0.name) + ":" + ($0.passed ? "true" : "false") }
        var body =
            #"{"status":"# + (allPassed ? #""ready""# : #""not-ready""#)
            + #","checks":{"# + checks.joined(separator: ",") + "}"
        if !details.isEmpty {
            let members = details.map { detail in
                JSONText.quoted(detail.name) + ":" + (detail.values.map { "[" + $0.map(JSONText.quoted).joined(separator: ",") + "]" } ?? "null")
            }
            body += #","details":{"# + members.joined(separator: ",") + "}"
        }
        body += "}"
        return json(allPassed ? .ok : .serviceUnavailable, body)
    }

    static func json(_ status: HTTPResponse.Status, _ body: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
