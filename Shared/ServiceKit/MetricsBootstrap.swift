import Metrics
import Prometheus
import Synchronization

/// Installs swift-prometheus as the process-wide swift-metrics backend.
public enum MetricsBootstrap {
    /// swift-metrics allows one bootstrap per process; the registry made then is kept.
    private static let installed = Mutex<PrometheusCollectorRegistry?>(nil)

    /// Makes every swift-metrics `Counter`, `Gauge`, `Recorder` and `Timer` in the process
    /// report to one Prometheus registry, and returns that registry.
    ///
    /// Call once, early in `main`, and hand the registry to ``HealthServer`` for
    /// `/metrics`. Later calls return the same registry without bootstrapping again.
    /// Nothing else in the process may call `MetricsSystem.bootstrap`.
    @discardableResult
    public static func bootstrap() -> PrometheusCollectorRegistry {
        installed.withLock { installed in
            if let installed { return installed }
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(makeFactory(registry: registry))
            installed = registry
            return registry
        }
    }

    /// A metrics factory writing to `registry`, for code that wants its own registry
    /// (tests, or a second exposition) without touching the process-wide backend.
    public static func makeFactory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        PrometheusMetricsFactory(registry: registry)
    }
}
