/// Where finished log lines go.
///
/// A sink receives whole lines (without the trailing newline) and must emit each one
/// without interleaving it with others.
public protocol LogLineSink: Sendable {
    /// Emits one complete line.
    func write(line: String)
}
