import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One of the cluster's service executables, run as a real process for tests that
/// kill, stop and restart it.
public final class ServiceProcess: @unchecked Sendable {
    /// Redeliveries before a message is dead-lettered, kept small so poison tests are quick.
    public static let deliveryLimit = 3

    public let name: String
    public let httpPort: Int
    private let executable: URL
    private let environment: [String: String]
    private let logURL: URL
    private var process: Process?
    private let lock = NSLock()

    /// `name` is the executable (intake, referral, escalation, notification); it gets the
    /// test vhost's and database's URLs for that service, and `extraEnvironment` on top.
    public init(name: String, httpPort: Int, extraEnvironment: [String: String] = [:]) throws {
        self.name = name
        self.httpPort = httpPort
        let binaries = try TestEnvironment.value(TestEnvironment.binariesVariable)
        executable = URL(fileURLWithPath: binaries).appendingPathComponent(name)
        let upper = name.uppercased()
        var environment = ProcessInfo.processInfo.environment
        environment["AMQP_URL"] = try TestEnvironment.value("REINTEGRATION_TEST_\(upper)_AMQP_URL")
        environment["DATABASE_URL"] = try TestEnvironment.value("REINTEGRATION_TEST_\(upper)_DATABASE_URL")
        environment["HTTP_PORT"] = String(httpPort)
        environment["LOG_FORMAT"] = "json"
        environment["SHUTDOWN_GRACE"] = "10"
        environment["AMQP_HEARTBEAT"] = "5"
        // The services of every test share the test vhost's queues, which must be declared alike.
        environment["DELIVERY_LIMIT"] = String(Self.deliveryLimit)
        for (key, value) in extraEnvironment { environment[key] = value }
        self.environment = environment
        let logs = URL(fileURLWithPath: binaries).appendingPathComponent("test-logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        logURL = logs.appendingPathComponent("\(name)-\(httpPort).log")
    }

    public func start() throws {
        let process = Process()
        process.executableURL = executable
        process.environment = environment
        if !FileManager.default.fileExists(atPath: logURL.path) {
            _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        }
        let log = try FileHandle(forWritingTo: logURL)
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        lock.withLock { self.process = process }
    }

    public var pid: Int32? { lock.withLock { process?.processIdentifier } }

    public var isRunning: Bool { lock.withLock { process?.isRunning ?? false } }

    /// The exit status of a process that has ended; nil while it runs.
    public var exitStatus: Int32? {
        lock.withLock {
            guard let process, !process.isRunning else { return nil }
            return process.terminationStatus
        }
    }

    /// Sends `signal` and waits for the process to exit.
    public func stop(signal: Int32 = SIGTERM, timeout: Duration = .seconds(30)) async {
        guard let process = lock.withLock({ self.process }), process.isRunning else { return }
        kill(process.processIdentifier, signal)
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Waits until `GET /readyz` answers 200.
    public func waitUntilReady(timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await status(path: "/readyz") == 200 { return }
            if !isRunning { throw ServiceProcessError(name: name, problem: "exited before it was ready; log: \(logURL.path)") }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw ServiceProcessError(name: name, problem: "not ready within \(timeout); log: \(logURL.path)")
    }

    /// The HTTP status of a GET on the service's health port (0 when unreachable).
    public func status(path: String) async -> Int {
        await get(path: path).status
    }

    public func get(path: String) async -> (status: Int, body: String) {
        guard let url = URL(string: "http://127.0.0.1:\(httpPort)\(path)") else { return (0, "") }
        var request = URLRequest(url: url)
        request.timeoutInterval = 3
        guard let (data, response) = try? await URLSession.shared.data(for: request) else { return (0, "") }
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// The service's log so far (JSON lines).
    public func log() -> String {
        (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
    }
}

public struct ServiceProcessError: Error, CustomStringConvertible {
    public var name: String
    public var problem: String
    public init(name: String, problem: String) {
        self.name = name
        self.problem = problem
    }
    public var description: String { "\(name): \(problem)" }
}
