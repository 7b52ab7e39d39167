import Foundation

/// The file the fault-injecting script writes while the drill runs, one event a line:
/// `fault <unix seconds> <kind> <detail…>` when a fault is injected, and
/// `check ok|FAILED <name>: <detail…>` for a check it made itself (TLS of the links).
struct DrillEvents {
    struct Fault {
        var at: Date
        var kind: String
        var detail: String
    }

    struct Check {
        var passed: Bool
        var text: String
    }

    var faults: [Fault] = []
    var checks: [Check] = []

    /// A missing file reads as no events; a line of another shape is ignored.
    static func read(_ path: String?) -> DrillEvents {
        var events = DrillEvents()
        guard let path, let text = try? String(contentsOfFile: path, encoding: .utf8) else { return events }
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ", maxSplits: 3).map(String.init)
            guard words.count >= 3 else { continue }
            switch words[0] {
            case "fault":
                guard let seconds = Double(words[1]) else { continue }
                events.faults.append(Fault(at: Date(timeIntervalSince1970: seconds), kind: words[2], detail: words.count > 3 ? words[3] : ""))
            case "check":
                events.checks.append(Check(passed: words[1] == "ok", text: words.dropFirst(2).joined(separator: " ")))
            default:
                continue
            }
        }
        return events
    }
}
