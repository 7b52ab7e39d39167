import ArgumentParser
import Foundation

/// Why an operator command stopped: a line that says what to do, and the kind of failure,
/// which alone decides the exit code (sysexits.h). Every command throws this one type, so
/// `Kind.exitCode` is the tool's only table of exit codes. The line never carries a
/// password, a token, a message body, query parameters or personal data.
struct CommandFailure: Error, CustomStringConvertible {
    enum Kind: Sendable, Equatable {
        /// 1: anything else (a drill check failed, an answer could not be read).
        case failed
        /// 64 (EX_USAGE): the command was used wrongly (a missing or malformed option).
        case usage
        /// 65 (EX_DATAERR): the input breaks a rule (unknown agency, bad name, body not JSON,
        /// a decision the referral does not allow).
        case data
        /// 66 (EX_NOINPUT): what was asked for does not exist (case, account, message, queue).
        case notFound
        /// 69 (EX_UNAVAILABLE): the broker, its management API or the database cannot be
        /// reached, answered unexpectedly, or lacks what the command needs.
        case unavailable
        /// 73 (EX_CANTCREAT): what the command would create exists already or cannot be
        /// written (an account, a decision taken first by someone else, an output file).
        case cannotCreate
        /// 75 (EX_TEMPFAIL): not done this time, nothing lost; try again.
        case temporary
        /// 77 (EX_NOPERM): the broker or the database refused the credentials or the operation.
        case permission
        /// 78 (EX_CONFIG): a token, certificate or listening address is not acceptable.
        case configuration

        var exitCode: Int32 {
            switch self {
            case .failed: 1
            case .usage: 64
            case .data: 65
            case .notFound: 66
            case .unavailable: 69
            case .cannotCreate: 73
            case .temporary: 75
            case .permission: 77
            case .configuration: 78
            }
        }
    }

    var kind: Kind
    var description: String

    init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }

    init(usage: String) { self.init(.usage, usage) }
    init(data: String) { self.init(.data, data) }
    init(notFound: String) { self.init(.notFound, notFound) }
    init(unavailable: String) { self.init(.unavailable, unavailable) }
    init(exists: String) { self.init(.cannotCreate, exists) }
    init(cannotWrite: String) { self.init(.cannotCreate, cannotWrite) }
    init(temporary: String) { self.init(.temporary, temporary) }
    init(permission: String) { self.init(.permission, permission) }
    init(configuration: String) { self.init(.configuration, configuration) }

    var exitCode: Int32 { kind.exitCode }

    /// `error` as a failure of ours when it is one or a database error the tool explains
    /// (see `database(_:)`); nil for anything else.
    static func explained(_ error: any Error) -> CommandFailure? {
        if let failure = error as? CommandFailure { return failure }
        return database(error)
    }

    /// Prints a failure of ours (see `explained(_:)`) after `prefix` on standard error and
    /// turns it into its exit code; other errors pass through (ArgumentParser prints them
    /// and exits 1).
    static func exit(for error: any Error, prefix: String = "error") -> any Error {
        guard let failure = explained(error) else { return error }
        FileHandle.standardError.write(Data("\(prefix): \(failure.description)\n".utf8))
        return ExitCode(failure.exitCode)
    }

    /// Runs `body`, ending a failure of ours with its line and exit code.
    static func reporting<T>(prefix: String = "error", _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw exit(for: error, prefix: prefix)
        }
    }
}
