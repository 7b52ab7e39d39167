import ServiceKit
import Synchronization

/// Keeps every line written to it, for inspection by tests.
final class CapturingLogSink: LogLineSink {
    private let captured = Mutex<[String]>([])

    var lines: [String] {
        captured.withLock { $0 }
    }

    func write(line: String) {
        captured.withLock { $0.append(line) }
    }
}
