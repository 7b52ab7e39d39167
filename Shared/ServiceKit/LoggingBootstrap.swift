import Logging
import Synchronization

/// Installs ``StructuredLogHandler`` as the process-wide swift-log backend.
public enum LoggingBootstrap {
    /// swift-log allows one bootstrap per process; later calls must not reach it.
    private static let done = Mutex(false)

    /// Makes every `Logger` in the process write through a ``StructuredLogHandler``.
    ///
    /// Call once, early in `main`. Later calls change nothing and return `false`.
    ///
    /// - Parameters:
    ///   - service: the service name written on every line.
    ///   - level: lowest level written.
    ///   - format: JSON (for collectors) or text (for people).
    ///   - sink: where lines go; standard error by default.
    /// - Returns: whether this call installed the handler.
    @discardableResult
    public static func bootstrap(
        service: String,
        level: Logger.Level,
        format: LogFormat,
        sink: any LogLineSink = StandardErrorLogSink.shared
    ) -> Bool {
        let first = done.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return false }
        LoggingSystem.bootstrap(
            { _, metadataProvider in
                StructuredLogHandler(
                    service: service, level: level, format: format,
                    metadataProvider: metadataProvider, sink: sink)
            },
            metadataProvider: nil
        )
        return true
    }
}
