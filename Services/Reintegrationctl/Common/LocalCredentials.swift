import Foundation

/// Reads the `KEY=value` lines of the local stack's credentials file (local development
/// only). A missing or unreadable file reads as empty: callers then ask for options.
enum LocalCredentials {
    static func read(_ path: String) -> [String: String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return values
    }
}
