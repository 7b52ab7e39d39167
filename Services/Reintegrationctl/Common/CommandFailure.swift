import ArgumentParser
import Foundation

/// A refusal of an operator command with its documented exit code (sysexits.h). The
/// message says what to do; it never carries a password, a message body or personal data.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    var code: Int32

    init(description: String, code: Int32) {
        self.description = description
        self.code = code
    }

    /// 64: the command was used wrongly (a missing or malformed option).
    init(usage: String) { self.init(description: usage, code: 64) }
    /// 65: the input breaks a rule (unknown agency, bad name, body not JSON).
    init(data: String) { self.init(description: data, code: 65) }
    /// 66: the account or message does not exist.
    init(notFound: String) { self.init(description: notFound, code: 66) }
    /// 69: the broker or its management API cannot be reached or answered unexpectedly.
    init(unavailable: String) { self.init(description: unavailable, code: 69) }
    /// 73: the account exists already.
    init(exists: String) { self.init(description: exists, code: 73) }
    /// 75: a replay was not confirmed; the message stays in its queue, try again.
    init(temporary: String) { self.init(description: temporary, code: 75) }
    /// 77: the broker refused the credentials or the operation.
    init(permission: String) { self.init(description: permission, code: 77) }

    /// Runs `body`; a `CommandFailure` is printed and becomes its exit code (ArgumentParser
    /// would exit 1 for any error).
    static func reporting<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("error: \(failure.description)\n".utf8))
            throw ExitCode(failure.code)
        }
    }
}
