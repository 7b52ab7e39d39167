import Prometheus

/// Renders a Prometheus registry in the text exposition format.
public enum PrometheusExposition {
    /// The content type of the text exposition format, version 0.0.4.
    public static let contentType = "text/plain; version=0.0.4"

    /// Every metric in `registry` as exposition text.
    public static func render(_ registry: PrometheusCollectorRegistry) -> String {
        registry.emitToString()
    }

    /// Every metric in `registry` as UTF-8 exposition bytes.
    public static func renderBytes(_ registry: PrometheusCollectorRegistry) -> [UInt8] {
        registry.emitToBuffer()
    }
}
