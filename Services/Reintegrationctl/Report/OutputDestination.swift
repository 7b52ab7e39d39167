import Foundation

/// Standard output, or a file written whole (a reader never sees half a report).
enum OutputDestination {
    static func write(_ text: String, to path: String?) throws {
        guard let path else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CommandFailure.exit(for: CommandFailure(cannotWrite: "cannot write \(path): check that its directory exists and is writable"))
        }
    }
}
