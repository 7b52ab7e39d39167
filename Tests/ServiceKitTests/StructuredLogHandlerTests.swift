import Foundation
import Logging
import Testing

@testable import ServiceKit

@Suite("StructuredLogHandler")
struct StructuredLogHandlerTests {
    /// 2026-05-29T06:15:00.125Z
    static let fixedInstant = Date(timeIntervalSince1970: 1_780_035_300.125)

    static func logger(format: LogFormat, level: Logger.Level = .info, sink: CapturingLogSink) -> Logger {
        Logger(label: "test") { _ in
            StructuredLogHandler(
                service: "intake", level: level, format: format, sink: sink, now: { fixedInstant })
        }
    }

    static func object(_ line: String) throws -> [String: Any] {
        let parsed = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(parsed as? [String: Any])
    }

    @Test("a JSON line has the fixed keys first, then flattened metadata")
    func jsonShape() throws {
        let sink = CapturingLogSink()
        var logger = Self.logger(format: .json, sink: sink)
        logger[metadataKey: "component"] = "consumer"
        logger.info("case opened", metadata: ["caseId": "c8f0", "attempt": .stringConvertible(2)])

        let line = try #require(sink.lines.first)
        #expect(sink.lines.count == 1)
        #expect(!line.contains("\n"))
        #expect(line.hasPrefix(#"{"ts":"2026-05-29T06:15:00.125Z","level":"info","service":"intake","msg":"case opened","source":""#))
        let object = try Self.object(line)
        #expect(object["ts"] as? String == "2026-05-29T06:15:00.125Z")
        #expect(object["level"] as? String == "info")
        #expect(object["service"] as? String == "intake")
        #expect(object["msg"] as? String == "case opened")
        #expect(object["source"] as? String == "ServiceKitTests")
        #expect(object["caseId"] as? String == "c8f0")
        #expect(object["attempt"] as? String == "2")
        #expect(object["component"] as? String == "consumer")
    }

    @Test("the timestamp is RFC 3339 in UTC with milliseconds")
    func timestampFormat() throws {
        let sink = CapturingLogSink()
        let logger = Logger(label: "test") { _ in
            StructuredLogHandler(service: "intake", level: .info, format: .json, sink: sink)
        }
        logger.info("now")
        let object = try Self.object(try #require(sink.lines.first))
        let ts = try #require(object["ts"] as? String)
        #expect(ts.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil)
    }

    @Test("awkward characters are escaped and nested metadata stays JSON")
    func escaping() throws {
        let sink = CapturingLogSink()
        let logger = Self.logger(format: .json, sink: sink)
        logger.warning(
            "line one\nline \"two\"\t\u{01}",
            metadata: [
                "msg": "collides",
                "reasons": ["a", "b"],
                "detail": ["field": "person.birthDate"],
            ])
        let line = try #require(sink.lines.first)
        #expect(!line.contains("\n"))
        let object = try Self.object(line)
        #expect(object["msg"] as? String == "line one\nline \"two\"\t\u{01}")
        #expect(object["metadata.msg"] as? String == "collides")
        #expect(object["reasons"] as? [String] == ["a", "b"])
        #expect((object["detail"] as? [String: String])?["field"] == "person.birthDate")
    }

    @Test("an error attached to the entry is written as its description")
    func attachedError() throws {
        let sink = CapturingLogSink()
        let handler = StructuredLogHandler(
            service: "intake", level: .info, format: .json, sink: sink, now: { Self.fixedInstant })
        handler.log(
            event: LogEvent(
                level: .error, message: "publish failed",
                error: ConfigurationError(variable: "AMQP_URL", problem: .missing),
                metadata: ["error": "also here"], source: "AMQP", file: #fileID, function: #function, line: #line))
        let object = try Self.object(try #require(sink.lines.first))
        #expect(object["error"] as? String == "configuration variable AMQP_URL is required but not set")
        #expect(object["metadata.error"] as? String == "also here")
        #expect(object["source"] as? String == "AMQP")
    }

    @Test("entries below the level are not written")
    func levelFilter() {
        let sink = CapturingLogSink()
        let logger = Self.logger(format: .json, level: .warning, sink: sink)
        logger.info("quiet")
        logger.error("loud")
        #expect(sink.lines.count == 1)
    }

    @Test("metadata providers contribute, explicit metadata wins")
    func metadataProvider() throws {
        let sink = CapturingLogSink()
        let provider = Logger.MetadataProvider { ["messageId": "m-1", "caseId": "from-provider"] }
        let logger = Logger(label: "test") { _ in
            StructuredLogHandler(
                service: "intake", level: .info, format: .json, metadataProvider: provider, sink: sink)
        }
        logger.info("handled", metadata: ["caseId": "explicit"])
        let object = try Self.object(try #require(sink.lines.first))
        #expect(object["messageId"] as? String == "m-1")
        #expect(object["caseId"] as? String == "explicit")
    }

    @Test("a text line is readable and stays on one line")
    func textShape() throws {
        let sink = CapturingLogSink()
        let logger = Self.logger(format: .text, sink: sink)
        logger.notice("case\nopened", metadata: ["caseId": "c8f0", "note": "two words"])
        let line = try #require(sink.lines.first)
        #expect(
            line == #"2026-05-29T06:15:00.125Z NOTICE intake [ServiceKitTests] case\nopened caseId=c8f0 note="two words""#
        )
    }

    @Test("lines logged from many tasks at once arrive whole")
    func concurrentWriters() async throws {
        let sink = CapturingLogSink()
        let logger = Self.logger(format: .json, sink: sink)
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for index in 0..<100 {
                        logger.info("entry", metadata: ["task": "\(task)", "index": "\(index)"])
                    }
                }
            }
        }
        #expect(sink.lines.count == 800)
        for line in sink.lines {
            _ = try Self.object(line)
        }
    }
}
