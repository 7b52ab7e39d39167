import ArgumentParser
import Foundation
import Testing

@testable import Reintegrationctl

/// The docs cannot go stale silently: every metric and every `reintegrationctl` command
/// they name exists, and every metric and command that exists is documented.
@Suite("Documentation matches the code")
struct DocumentationTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// README.md and every page under docs/, by name.
    static func documents() throws -> [(name: String, text: String)] {
        let docs = repository.appendingPathComponent("docs")
        let pages = try FileManager.default.contentsOfDirectory(atPath: docs.path).filter { $0.hasSuffix(".md") }.sorted()
        return try [("README.md", String(contentsOf: repository.appendingPathComponent("README.md"), encoding: .utf8))]
            + pages.map { ("docs/\($0)", try String(contentsOf: docs.appendingPathComponent($0), encoding: .utf8)) }
    }

    /// Every Swift source under Shared/ and Services/.
    static func sources() throws -> [String] {
        var texts: [String] = []
        for folder in ["Shared", "Services"] {
            let root = repository.appendingPathComponent(folder)
            let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
            while let file = files?.nextObject() as? URL {
                guard file.pathExtension == "swift" else { continue }
                texts.append(try String(contentsOf: file, encoding: .utf8))
            }
        }
        return texts
    }

    static func matches(of pattern: String, in text: String, group: Int = 1) throws -> [String] {
        let expression = try NSRegularExpression(pattern: pattern)
        return expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range(at: group), in: text).map { String(text[$0]) }
        }
    }

    // MARK: - Metrics

    /// The names the code records metrics under.
    static func metricsInCode() throws -> Set<String> {
        let pattern = #"\b(?:Counter|Gauge|Recorder|Timer|Meter|FloatingPointCounter)\(\s*label:\s*"([a-z0-9_]+)""#
        return Set(try sources().flatMap { try matches(of: pattern, in: $0) })
    }

    @Test("architecture.md's metrics table lists exactly the metrics the code records")
    func metricsTable() throws {
        let architecture = try #require(try Self.documents().first { $0.name == "docs/architecture.md" }).text
        let section = try #require(architecture.range(of: "## 7. Observability"))
        let rest = architecture[section.upperBound...]
        let table = rest[..<(rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex)]
        let rows = table.split(separator: "\n").filter { $0.hasPrefix("| `") }
        let listed = Set(try rows.flatMap { row in
            try Self.matches(of: #"`([a-z0-9_]+)`"#, in: String(row.split(separator: "|", omittingEmptySubsequences: true)[0]))
        })
        let recorded = try Self.metricsInCode()
        #expect(!recorded.isEmpty)
        #expect(recorded.subtracting(listed).isEmpty, "recorded but not in the table: \(recorded.subtracting(listed).sorted())")
        #expect(listed.subtracting(recorded).isEmpty, "in the table but never recorded: \(listed.subtracting(recorded).sorted())")
    }

    @Test("every metric name the docs mention is recorded by the code")
    func metricNamesExist() throws {
        let recorded = try Self.metricsInCode()
        for document in try Self.documents() {
            let named = try Self.matches(of: #"`([a-z][a-z0-9]*(?:_[a-z0-9]+)*_(?:total|seconds))(?:\{[^`]*\})?`"#, in: document.text)
            for name in named {
                #expect(recorded.contains(name), "\(document.name) names metric \(name), which no code records")
            }
        }
    }

    // MARK: - Commands

    /// Every command path of the tool, e.g. ["case", "show"], intermediate ones included.
    static func commandPaths(of command: any ParsableCommand.Type = Reintegrationctl.self, prefix: [String] = []) -> [[String]] {
        command.configuration.subcommands.flatMap { subcommand in
            let path = prefix + [subcommand._commandName]
            return [path] + commandPaths(of: subcommand, prefix: path)
        }
    }

    /// The commands the docs write out: `reintegrationctl WORDS` or `$ctl WORDS`, where a
    /// word may list alternatives (`list|show`). Each resolves to the command paths it names.
    static func documentedCommands() throws -> [(document: String, mention: String, paths: [[String]], unknown: String?)] {
        let known = Set(commandPaths())
        var found: [(String, String, [[String]], String?)] = []
        for document in try documents() {
            for mention in try matches(of: #"(?:reintegrationctl|\$ctl)((?: [a-z][a-z0-9|-]*)+)"#, in: document.text) {
                var paths: [[String]] = [[]]
                var unknown: String?
                for (index, word) in mention.split(separator: " ").enumerated() {
                    let alternatives = word.split(separator: "|").map(String.init)
                    let extended = paths.flatMap { path in alternatives.map { path + [$0] } }
                    if extended.allSatisfy(known.contains) {
                        paths = extended
                    } else {
                        // The first word must be a command; later words may be arguments.
                        if index == 0 { unknown = String(word) }
                        break
                    }
                }
                found.append((document.name, mention, paths.filter { !$0.isEmpty }, unknown))
            }
        }
        return found
    }

    @Test("every reintegrationctl command the docs write out exists")
    func documentedCommandsExist() throws {
        for mention in try Self.documentedCommands() {
            #expect(mention.unknown == nil, "\(mention.document): 'reintegrationctl\(mention.mention)' names no command")
        }
    }

    @Test("every reintegrationctl command is written out in the docs")
    func everyCommandIsDocumented() throws {
        let documented = Set(try Self.documentedCommands().flatMap(\.paths))
        let leaves = Self.commandPaths().filter { path in !Self.commandPaths().contains { $0.count > path.count && Array($0.prefix(path.count)) == path } }
        for leaf in leaves {
            #expect(documented.contains(leaf), "'reintegrationctl \(leaf.joined(separator: " "))' appears in no doc")
        }
    }
}
