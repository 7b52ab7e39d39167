import Foundation

/// Writes files so that a crash or power loss leaves either the old file or the whole new
/// one: a temporary file in the same directory, `fsync`, `rename` over the name, then
/// `fsync` of the directory so the rename itself is on disk.
enum DurableFile {
    struct WriteError: Error, CustomStringConvertible {
        var path: String
        var reason: String
        var description: String { "\(path): \(reason)" }
    }

    /// Leftover temporary files of an interrupted write start with this.
    static let temporaryPrefix = ".partial-"

    static func write(_ bytes: [UInt8], to url: URL) throws(WriteError) {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent("\(temporaryPrefix)\(getpid())-\(UUID().uuidString.lowercased())")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { throw failure(temporary.path, "open") }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { writeSome(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                let error = failure(temporary.path, "write")
                close(descriptor)
                unlink(temporary.path)
                throw error
            }
            written += count
        }
        guard fsync(descriptor) == 0 else {
            let error = failure(temporary.path, "fsync")
            close(descriptor)
            unlink(temporary.path)
            throw error
        }
        close(descriptor)
        guard rename(temporary.path, url.path) == 0 else {
            let error = failure(url.path, "rename")
            unlink(temporary.path)
            throw error
        }
        try syncDirectory(directory)
    }

    /// Whether the process that made the temporary file `temporaryName` still runs (its id
    /// is in the name); false for a name that is not one.
    static func writerIsRunning(temporaryName: String) -> Bool {
        guard temporaryName.hasPrefix(temporaryPrefix),
              let pid = temporaryName.dropFirst(temporaryPrefix.count).split(separator: "-").first.flatMap({ Int32($0) }), pid > 0
        else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    /// Makes the directory's entries (a rename, a new file) durable.
    static func syncDirectory(_ directory: URL) throws(WriteError) {
        let descriptor = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure(directory.path, "open") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw failure(directory.path, "fsync") }
    }

    private static func failure(_ path: String, _ call: String) -> WriteError {
        WriteError(path: path, reason: "\(call): \(String(cString: strerror(errno)))")
    }
}

/// The system call, outside `DurableFile` whose own `write` would hide it.
private func writeSome(_ descriptor: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
