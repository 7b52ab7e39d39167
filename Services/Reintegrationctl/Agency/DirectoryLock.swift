import Foundation

/// An exclusive lock on a directory (`flock` on its `.lock` file), held until the process
/// ends: two pulls into one directory never interleave, and a killed pull releases it.
final class DirectoryLock {
    private let descriptor: Int32

    /// Takes the lock, or returns nil at once when another process holds it.
    init?(directory: URL) throws(DurableFile.WriteError) {
        let path = directory.appendingPathComponent(".lock").path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else {
            throw DurableFile.WriteError(path: path, reason: "open: \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return nil
        }
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }
}
