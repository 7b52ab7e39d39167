import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One of the Python servers in Scripts/, run as a subprocess on 127.0.0.1 for one test.
/// It saves what it receives as JSON files in its own folder; `stop()` ends it.
final class PythonTestServer: @unchecked Sendable {
    let port: Int
    let folder: URL
    private var process: Process?
    private let script: String
    private let extraArguments: [String]
    private let interpreter: String

    /// Prepares a server on a free port; call `start()` to run it. `interpreter` is the
    /// Python to run it with: Debian's for scripts that need its packages (aiosmtpd).
    init(script: String, arguments: [String] = [], interpreter: String = "python3") throws {
        self.port = try Self.freePort()
        self.folder = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(script)-\(UUID().uuidString)")
        self.script = script
        self.extraArguments = arguments
        self.interpreter = interpreter
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Starts the script and waits until it listens.
    func start() async throws {
        let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scripts")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [interpreter, scripts.appendingPathComponent(script).path, "--port", "\(port)", "--dir", folder.path] + extraArguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        self.process = process
        let ready = folder.appendingPathComponent("ready")
        for _ in 0..<100 {
            if FileManager.default.fileExists(atPath: ready.path) { return }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ServerDidNotStart(script: script)
    }

    /// Stops the script (only the one this object started).
    func stop() {
        guard let process, process.isRunning else { return }
        // The test process blocks some signals and children inherit the mask, so SIGTERM
        // may stay pending: SIGKILL cannot be blocked.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        // A later start waits for a fresh "ready" (the same port, as a relay coming back).
        try? FileManager.default.removeItem(at: folder.appendingPathComponent("ready"))
    }

    /// An SMTP sink and a webhook receiver (with the fixtures' secret), both started.
    static func startedSinkAndReceiver() async throws -> (smtp: PythonTestServer, hooks: PythonTestServer) {
        let smtp = try PythonTestServer(script: "smtp_sink.py")
        let hooks = try PythonTestServer(script: "webhook_receiver.py", arguments: ["--secret", NotificationFixtures.webhookSecret])
        try await smtp.start()
        try await hooks.start()
        return (smtp, hooks)
    }

    /// Every saved record, decoded as JSON objects.
    func records() throws -> [[String: Any]] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted().map { name in
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        }
    }

    struct ServerDidNotStart: Error, CustomStringConvertible {
        let script: String
        var description: String { "\(script) did not start (is python3 installed?)" }
    }

    /// A port nobody listens on now: bind to port 0, read what the kernel chose, close.
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
