import Foundation

/// One HTTP GET on this machine with curl. Foundation's URLSession on Linux waits for
/// credentials after a 401 with WWW-Authenticate, and refuses Chromium's DevTools
/// answers, instead of returning them. A header goes through curl's standard input,
/// never its command line.
enum CurlGet {
    struct Answer: Sendable {
        var status: Int
        /// Header fields by lowercase name.
        var headers: [String: String]
        var body: Data

        func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    static func run(_ url: String, authorization: String? = nil) throws -> Answer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("curl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let bodyFile = directory.appendingPathComponent("body"), headerFile = directory.appendingPathComponent("headers")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = [
            "--silent", "--max-time", "30", "--config", "-", "--output", bodyFile.path, "--dump-header", headerFile.path,
            "--write-out", "%{http_code}", url,
        ]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data((authorization.map { "header = \"Authorization: \($0)\"\n" } ?? "").utf8))
        try input.fileHandleForWriting.close()
        let status = Int(String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)) ?? 0
        process.waitUntilExit()
        var headers: [String: String] = [:]
        for line in ((try? String(contentsOf: headerFile, encoding: .utf8)) ?? "").split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Answer(status: status, headers: headers, body: (try? Data(contentsOf: bodyFile)) ?? Data())
    }
}
