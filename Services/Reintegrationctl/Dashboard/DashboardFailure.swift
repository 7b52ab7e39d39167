import ArgumentParser
import Foundation

/// Why the dashboard would not start, with its documented exit code (sysexits.h). Messages
/// name files and options, never the token or a password.
struct DashboardFailure: Error, CustomStringConvertible {
    var description: String
    var code: Int32

    /// 64: the command line is wrong.
    static func usage(_ why: String) -> DashboardFailure { DashboardFailure(description: why, code: 64) }
    /// 78 (EX_CONFIG): the token, the certificate or the listening address is not acceptable.
    static func configuration(_ why: String) -> DashboardFailure { DashboardFailure(description: why, code: 78) }

    /// Prints the failure and turns it into its exit code.
    var exit: ExitCode {
        FileHandle.standardError.write(Data("error: \(description)\n".utf8))
        return ExitCode(code)
    }
}
