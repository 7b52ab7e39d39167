import ArgumentParser
import Foundation

/// Why an agency command stopped: a line in the reader's language and the documented exit
/// code. It never carries a password or a referral's personal data.
struct AgencyFailure: Error, CustomStringConvertible {
    var code: Int32
    var message: String

    var description: String { message }

    /// Runs `body`; a failure is printed on standard error and becomes the exit code.
    static func reporting(_ text: AgencyText, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let failure as AgencyFailure {
            FileHandle.standardError.write(Data("\(text.errorPrefix): \(failure.message)\n".utf8))
            throw ExitCode(failure.code)
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("\(text.errorPrefix): \(failure.description)\n".utf8))
            throw ExitCode(failure.code)
        }
    }
}
