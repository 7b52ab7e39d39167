import Foundation
import Synchronization

/// Collects latencies and reports percentiles.
final class LatencyRecorder: Sendable {
    private let samples = Mutex<[Double]>([])

    func record(milliseconds: Double) {
        samples.withLock { $0.append(milliseconds) }
    }

    var count: Int { samples.withLock { $0.count } }

    func percentile(_ fraction: Double) -> Double {
        let sorted = samples.withLock { $0.sorted() }
        guard !sorted.isEmpty else { return .nan }
        let index = min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)
        return sorted[max(0, index)]
    }
}

/// Wall-clock milliseconds since 1970, carried in a header to measure end-to-end latency.
func wallClockMilliseconds() -> Double { Date().timeIntervalSince1970 * 1000 }
