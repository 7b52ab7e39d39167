import Metrics
import Synchronization

/// A metrics factory that keeps counter totals by label and dimensions, for assertions.
final class RecordingMetrics: MetricsFactory {
    private let totals = Mutex<[String: Int64]>([:])

    static func key(_ label: String, _ dimensions: [(String, String)]) -> String {
        ([label] + dimensions.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }).joined(separator: " ")
    }

    /// The total of the counter `label` with exactly these dimensions (0 when never counted).
    func total(_ label: String, _ dimensions: [(String, String)]) -> Int64 {
        totals.withLock { $0[Self.key(label, dimensions)] ?? 0 }
    }

    final class Handle: CounterHandler, RecorderHandler, TimerHandler {
        let key: String
        let owner: RecordingMetrics
        init(key: String, owner: RecordingMetrics) {
            self.key = key
            self.owner = owner
        }
        func increment(by amount: Int64) { owner.totals.withLock { $0[key, default: 0] += amount } }
        func reset() { owner.totals.withLock { $0[key] = 0 } }
        func record(_ value: Int64) {}
        func record(_ value: Double) {}
        func recordNanoseconds(_ duration: Int64) {}
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        Handle(key: Self.key(label, dimensions), owner: self)
    }
    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        Handle(key: Self.key(label, dimensions), owner: self)
    }
    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        Handle(key: Self.key(label, dimensions), owner: self)
    }
    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}
}
