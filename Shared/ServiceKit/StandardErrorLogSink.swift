#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Writes log lines to the process's standard error, one `write(2)` per line.
///
/// A lock keeps lines from different threads whole even when a line is longer than
/// the pipe's atomic write size and has to be written in pieces.
public final class StandardErrorLogSink: LogLineSink {
    /// The process-wide instance: one lock for the one file descriptor.
    public static let shared = StandardErrorLogSink()

    private let lock = Mutex(())

    private init() {}

    /// Writes the line and a newline to file descriptor 2.
    public func write(line: String) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        lock.withLock { _ in
            bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = systemWrite(2, buffer.baseAddress! + offset, buffer.count - offset)
                    if written > 0 {
                        offset += written
                    } else if written < 0 && errno == EINTR {
                        continue
                    } else {
                        // stderr is gone or full beyond repair: dropping the line beats blocking.
                        return
                    }
                }
            }
        }
    }
}

/// The C `write`, named apart from ``StandardErrorLogSink/write(line:)``.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
