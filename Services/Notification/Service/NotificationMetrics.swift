import Metrics
import NotificationDomain

/// The service's own metrics, exposed with the others on /metrics.
enum NotificationMetrics {
    /// `notification_deliveries_total{channel, result}`: attempts by outcome
    /// (`sent`, `transient`, `permanent`) and final failures (`failed`).
    static func delivery(channel: DeliveryChannel, result: String) {
        Counter(label: "notification_deliveries_total", dimensions: [("channel", channel.rawValue), ("result", result)]).increment()
    }

    /// `notification_retries_total{channel}`: retries scheduled.
    static func retry(channel: DeliveryChannel) {
        Counter(label: "notification_retries_total", dimensions: [("channel", channel.rawValue)]).increment()
    }

    /// `notification_open_circuits`: endpoints paused now.
    static func openCircuits(_ count: Int) {
        Gauge(label: "notification_open_circuits").record(count)
    }

    /// `notification_queue_lag_seconds`: how long the oldest due delivery has waited.
    static func queueLag(seconds: Double) {
        Gauge(label: "notification_queue_lag_seconds").record(seconds)
    }
}
