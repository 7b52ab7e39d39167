import Foundation

/// Writes a line where an operator sees it before logging is set up.
enum FileHandleOutput {
    static func standardError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
