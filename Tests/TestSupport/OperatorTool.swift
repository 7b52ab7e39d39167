import Foundation

/// Runs `reintegrationctl` from the test binaries as a real process and captures what it
/// printed and how it exited, as an operator would see it.
public enum OperatorTool {
    public struct Outcome: Sendable, CustomStringConvertible {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
        public var description: String { "exit \(status)\nstdout:\n\(standardOutput)\nstderr:\n\(standardError)" }
    }

    /// `environment` is added to the test process's own; `input` is written to the tool's stdin.
    public static func run(
        _ arguments: [String], environment: [String: String] = [:], input: String? = nil,
        timeout: Duration = .seconds(120)
    ) async throws -> Outcome {
        let binaries = try TestEnvironment.value(TestEnvironment.binariesVariable)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binaries).appendingPathComponent("reintegrationctl")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        // Files rather than pipes: a chatty command cannot block on a full pipe.
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("reintegrationctl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outURL = directory.appendingPathComponent("out")
        let errURL = directory.appendingPathComponent("err")
        let inURL = directory.appendingPathComponent("in")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: inURL.path, contents: Data((input ?? "").utf8))
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        let stdin = try FileHandle(forReadingFrom: inURL)
        defer {
            try? out.close()
            try? err.close()
            try? stdin.close()
        }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin
        try process.run()
        let pid = process.processIdentifier
        // waitpid polling: Foundation's exit notifications are unreliable under async tests.
        let deadline = ContinuousClock.now + timeout
        var status: Int32 = 0
        // Foundation's own child monitor may reap the child first (waitpid then fails with ECHILD).
        var reapedElsewhere = false
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { break }
            if reaped < 0 {
                reapedElsewhere = true
                break
            }
            if ContinuousClock.now >= deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw OperatorToolError(arguments: arguments, problem: "did not finish within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        var exit: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        if reapedElsewhere {
            // Then the status is Foundation's, once it has recorded it.
            while process.isRunning {
                guard ContinuousClock.now < deadline else {
                    throw OperatorToolError(arguments: arguments, problem: "exited, but its status never arrived")
                }
                try await Task.sleep(for: .milliseconds(10))
            }
            exit = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        }
        return Outcome(
            status: exit,
            standardOutput: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            standardError: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }
}

public struct OperatorToolError: Error, CustomStringConvertible {
    public var arguments: [String]
    public var problem: String
    public var description: String { "reintegrationctl \(arguments.joined(separator: " ")): \(problem)" }
}
