import Foundation

/// The simulator's progress: one line rewritten in place on a terminal, a line every five
/// seconds otherwise (logs, CI).
enum SimulationProgress {
    static func report(_ counters: SimulationCounters, until stop: ContinuousClock.Instant) async {
        let terminal = isatty(STDOUT_FILENO) == 1
        let start = ContinuousClock.now
        var tick = 0
        while ContinuousClock.now < stop {
            try? await Task.sleep(for: .seconds(1))
            tick += 1
            let elapsed = Int((ContinuousClock.now - start).components.seconds)
            let line = "[\(elapsed) s] " + counters.snapshot.line
            if terminal {
                // Unbuffered, so the line shows at once.
                FileHandle.standardOutput.write(Data(("\r\u{1B}[K" + line).utf8))
            } else if tick % 5 == 0 {
                emit(line)
            }
        }
        if terminal { FileHandle.standardOutput.write(Data("\n".utf8)) }
    }

    /// A whole line, written at once: `print` would hold it in a buffer when the output is
    /// a file or a pipe, so a log would show nothing until the end.
    static func emit(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
