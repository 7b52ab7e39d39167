import Foundation
import Logging

/// A swift-log handler that writes one line per entry, as JSON or readable text.
///
/// JSON lines carry, in order: `ts` (RFC 3339, UTC, milliseconds), `level`, `service`,
/// `msg`, `source`, then every metadata key at the top level (e.g. `caseId`), sorted,
/// and `error` when the entry carries an error value. A metadata key that collides
/// with one of those keys is written as `metadata.<key>`.
///
/// Metadata values are written as given: callers must never put personal data in them.
public struct StructuredLogHandler: LogHandler {
    /// Keys every JSON line starts with; metadata may not overwrite them.
    static let reservedKeys: Set<String> = ["ts", "level", "service", "msg", "source"]

    /// Lowest level written.
    public var logLevel: Logger.Level
    /// Metadata attached to every entry from this handler.
    public var metadata: Logger.Metadata
    /// Contextual metadata (e.g. task-local) added to every entry.
    public var metadataProvider: Logger.MetadataProvider?

    /// The service name written on every line.
    public let service: String
    /// JSON or text.
    public let format: LogFormat
    private let sink: any LogLineSink
    private let now: @Sendable () -> Date

    /// Creates a handler.
    ///
    /// - Parameters:
    ///   - service: the service name written on every line.
    ///   - level: lowest level written.
    ///   - format: JSON or text.
    ///   - metadataProvider: contextual metadata added to every entry.
    ///   - sink: where lines go; standard error by default.
    ///   - now: the clock, replaceable for tests.
    public init(
        service: String,
        level: Logger.Level,
        format: LogFormat,
        metadataProvider: Logger.MetadataProvider? = nil,
        sink: any LogLineSink = StandardErrorLogSink.shared,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.service = service
        self.logLevel = level
        self.format = format
        self.metadata = [:]
        self.metadataProvider = metadataProvider
        self.sink = sink
        self.now = now
    }

    /// One entry of ``metadata``.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Formats the entry as one line and hands it to the sink.
    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() {
            merged.merge(provided) { _, new in new }
        }
        if let explicit = event.metadata {
            merged.merge(explicit) { _, new in new }
        }
        let timestamp = Self.timestampStyle.format(now())
        let errorText = event.error.map { String(describing: $0) }
        let line: String
        switch format {
        case .json:
            line = jsonLine(event, timestamp: timestamp, metadata: merged, error: errorText)
        case .text:
            line = textLine(event, timestamp: timestamp, metadata: merged, error: errorText)
        }
        sink.write(line: line)
    }

    /// RFC 3339 in UTC with milliseconds, e.g. `2026-05-29T06:15:00.123Z`.
    static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    private func jsonLine(_ event: LogEvent, timestamp: String, metadata: Logger.Metadata, error: String?) -> String {
        var members = [
            "\"ts\":" + JSONText.quoted(timestamp),
            "\"level\":" + JSONText.quoted(event.level.rawValue),
            "\"service\":" + JSONText.quoted(service),
            "\"msg\":" + JSONText.quoted(event.message.description),
            "\"source\":" + JSONText.quoted(event.source),
        ]
        for key in metadata.keys.sorted() {
            let collides = Self.reservedKeys.contains(key) || (key == "error" && error != nil)
            let name = collides ? "metadata." + key : key
            members.append(JSONText.quoted(name) + ":" + JSONText.value(metadata[key]!))
        }
        if let error {
            members.append("\"error\":" + JSONText.quoted(error))
        }
        return "{" + members.joined(separator: ",") + "}"
    }

    private func textLine(_ event: LogEvent, timestamp: String, metadata: Logger.Metadata, error: String?) -> String {
        var parts = [
            timestamp,
            event.level.rawValue.uppercased(),
            service,
            "[\(event.source)]",
            Self.singleLine(event.message.description),
        ]
        for key in metadata.keys.sorted() {
            parts.append(key + "=" + Self.textValue(metadata[key]!))
        }
        if let error {
            parts.append("error=" + JSONText.quoted(error))
        }
        return parts.joined(separator: " ")
    }

    /// Plain words stay bare; anything with spaces, quotes or structure is JSON-quoted.
    private static func textValue(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let string):
            return bareOrQuoted(string)
        case .stringConvertible(let convertible):
            return bareOrQuoted(convertible.description)
        case .array, .dictionary:
            return JSONText.value(value)
        }
    }

    private static func bareOrQuoted(_ text: String) -> String {
        let needsQuotes = text.isEmpty || text.unicodeScalars.contains {
            $0 == " " || $0 == "\"" || $0 == "=" || $0.properties.generalCategory == .control
        }
        return needsQuotes ? JSONText.quoted(text) : text
    }

    /// Keeps one entry on one line.
    private static func singleLine(_ text: String) -> String {
        text.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
    }
}
