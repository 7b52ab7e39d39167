import Metrics
import NotificationDomain
import Synchronization

/// The service's own metrics, exposed with the others on /metrics.
enum NotificationMetrics {
    /// `notification_deliveries_total{channel, result}`: attempts by outcome
    /// (`sent`, `transient`, `permanent`), final failures (`failed`) and hand-overs whose
    /// outcome was lost (`unconfirmed`).
    static func delivery(channel: DeliveryChannel, result: String) {
        Counter(label: "notification_deliveries_total", dimensions: [("channel", channel.rawValue), ("result", result)]).increment()
    }

    /// `notification_retries_total{channel}`: retries scheduled.
    static func retry(channel: DeliveryChannel) {
        Counter(label: "notification_retries_total", dimensions: [("channel", channel.rawValue)]).increment()
    }

    /// Circuits reported open before, so a closed one reads 0 instead of vanishing.
    private static let reported = Mutex<Set<String>>([])

    /// `notification_open_circuits`: open circuits, shared endpoints and paused people;
    /// `notification_circuit_open{circuit}`: 1 while a shared endpoint's circuit
    /// (`smtp:<host>:<port>`, `webhook:<host>`) is open, 0 once it closed.
    static func openCircuits(shared: [String], people: Int) {
        Gauge(label: "notification_open_circuits").record(shared.count + people)
        let open = Set(shared)
        let closed = reported.withLock { known in
            let closed = known.subtracting(open)
            known = open
            return closed
        }
        for circuit in open { Gauge(label: "notification_circuit_open", dimensions: [("circuit", circuit)]).record(1) }
        for circuit in closed { Gauge(label: "notification_circuit_open", dimensions: [("circuit", circuit)]).record(0) }
    }

    /// `notification_queue_lag_seconds`: how long the oldest due delivery has waited.
    static func queueLag(seconds: Double) {
        Gauge(label: "notification_queue_lag_seconds").record(seconds)
    }
}
