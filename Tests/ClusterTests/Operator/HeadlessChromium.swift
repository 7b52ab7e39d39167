import Foundation
import Logging
import Synchronization
import WSClient

/// Debian's Chromium without a window, driven over the DevTools protocol, so a test loads
/// a page as a person's browser would (scripts, fetches, timers) and reads what it shows.
// Process is not Sendable; the browser process is only started, then stopped once.
final class HeadlessChromium: @unchecked Sendable {
    /// Chromium on PATH, or nil.
    static let executable: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in ["chromium", "chromium-browser"] {
            for directory in path.split(separator: ":") {
                let candidate = "\(directory)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }()

    /// In CI the browser test must run; elsewhere it is skipped when Chromium is missing.
    static let mayRun = executable != nil || ProcessInfo.processInfo.environment["CI"] == "true"

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let process: Process
    private let profile: URL
    private let port: Int

    private init(process: Process, profile: URL, port: Int) {
        self.process = process
        self.profile = profile
        self.port = port
    }

    /// Starts the browser on about:blank with a profile of its own and waits for its DevTools port.
    static func launch() async throws -> HeadlessChromium {
        guard let executable else {
            throw Failure(description: "chromium is not installed: deploy/local/test installs it (apt-get install -y chromium)")
        }
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        var arguments = [
            "--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
            "--disable-background-networking", "--disable-dev-shm-usage", "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0", "--remote-allow-origins=*", "--user-data-dir=\(profile.path)", "--window-size=1280,900",
        ]
        // The WebSocket client sends an Origin header, which Chromium refuses unless allowed;
        // this throwaway browser's DevTools port listens on loopback only.
        // Chromium refuses to run as root with its sandbox (CI runs as root).
        if geteuid() == 0 { arguments.append("--no-sandbox") }
        process.arguments = arguments + ["about:blank"]
        let log = profile.appendingPathComponent("chromium.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        // Chromium writes its DevTools port into the profile once it listens.
        let portFile = profile.appendingPathComponent("DevToolsActivePort")
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let line = text.split(separator: "\n").first,
               let port = Int(line) {
                return HeadlessChromium(process: process, profile: profile, port: port)
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        if process.isRunning { process.terminate() }
        throw Failure(description: "chromium did not open its DevTools port within 90 s; it said:\n\(output.suffix(2_000))")
    }

    /// Runs `body` with the browser's page, connected over the DevTools WebSocket.
    func withPage(_ body: @escaping @Sendable (DevToolsPage) async throws -> Void) async throws {
        let data = try CurlGet.run("http://127.0.0.1:\(port)/json/list").body
        let targets = (try JSONSerialization.jsonObject(with: data) as? [[String: Any]]) ?? []
        guard let url = targets.first(where: { $0["type"] as? String == "page" })?["webSocketDebuggerUrl"] as? String else {
            throw Failure(description: "chromium lists no page target: \(String(decoding: data, as: UTF8.self))")
        }
        let failure = Mutex<(any Error)?>(nil)
        let finished = Mutex(false)
        try await WebSocketClient.connect(
            url: url, configuration: WebSocketClientConfiguration(maxFrameSize: 1 << 24), logger: Logger(label: "test.devtools")
        ) { inbound, outbound, _ in
            let page = DevToolsPage(inbound: inbound.messages(maxSize: 1 << 26).makeAsyncIterator(), outbound: outbound)
            do {
                try await body(page)
                finished.withLock { $0 = true }
            } catch {
                failure.withLock { $0 = error }
            }
            try? await outbound.close(.normalClosure, reason: nil)
        }
        if let error = failure.withLock({ $0 }) { throw error }
        guard finished.withLock({ $0 }) else { throw Failure(description: "the DevTools connection closed before the test finished") }
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: profile)
    }
}

/// One page's DevTools session: commands out, their results back (events are skipped).
/// Used by the one task that runs the test body.
final class DevToolsPage: @unchecked Sendable {
    private var inbound: WebSocketInboundMessageStream.AsyncIterator
    private let outbound: WebSocketOutboundWriter
    private var nextId = 0

    init(inbound: WebSocketInboundMessageStream.AsyncIterator, outbound: WebSocketOutboundWriter) {
        self.inbound = inbound
        self.outbound = outbound
    }

    /// Sends one command and returns its `result`.
    @discardableResult
    func send(_ method: String, _ parameters: [String: Any] = [:]) async throws -> [String: Any] {
        nextId += 1
        let id = nextId
        let command = try JSONSerialization.data(withJSONObject: ["id": id, "method": method, "params": parameters])
        try await outbound.write(.text(String(decoding: command, as: UTF8.self)))
        while let message = try await inbound.next() {
            guard case .text(let text) = message,
                  let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                  object["id"] as? Int == id
            else { continue }
            if let error = object["error"] { throw HeadlessChromium.Failure(description: "\(method) failed: \(error)") }
            return object["result"] as? [String: Any] ?? [:]
        }
        throw HeadlessChromium.Failure(description: "the DevTools connection closed while waiting for \(method)")
    }

    /// Evaluates a JavaScript expression in the page and returns its value (JSON types).
    func evaluate(_ expression: String) async throws -> Any? {
        let result = try await send("Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true])
        if let exception = result["exceptionDetails"] {
            throw HeadlessChromium.Failure(description: "the page threw on \(expression): \(exception)")
        }
        return (result["result"] as? [String: Any])?["value"]
    }

    /// Evaluates `expression` every half second until it is true; false when `timeout` passes first.
    func waitUntil(_ expression: String, timeout: Duration = .seconds(60)) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await evaluate(expression) as? Bool == true { return true }
            try await Task.sleep(for: .milliseconds(500))
        }
        return false
    }
}
