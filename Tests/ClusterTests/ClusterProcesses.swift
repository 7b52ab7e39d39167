import Testing

/// The suites that run the services as processes on the shared test vhost. They consume
/// the same queues, so they run one at a time (the trait applies to nested suites too).
@Suite("Cluster processes", .serialized)
enum ClusterProcesses {}
