import Logging
import Synchronization

/// Keeps every log message (with its level and metadata rendered) for tests to inspect.
struct CountingLogHandler: LogHandler {
    final class Store: Sendable {
        private let entries = Mutex<[(level: Logger.Level, text: String)]>([])

        func append(_ level: Logger.Level, _ text: String) { entries.withLock { $0.append((level, text)) } }

        /// Entries whose text contains `fragment`.
        func matching(_ fragment: String) -> [(level: Logger.Level, text: String)] {
            entries.withLock { $0.filter { $0.text.contains(fragment) } }
        }

        var all: [String] { entries.withLock { $0.map(\.text) } }
    }

    let store: Store
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let rendered = (event.metadata ?? [:]).merging(metadata) { new, _ in new }
            .sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        store.append(event.level, "\(event.message) \(rendered)")
    }
}
