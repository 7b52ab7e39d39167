import ArgumentParser
import Foundation
import Postgres

/// Why a lookup or report command stopped, with its documented exit code. Messages say
/// what to do and never quote personal data or query parameters.
struct OperatorFailure: Error, CustomStringConvertible {
    var description: String
    var code: Int32

    /// 66 (EX_NOINPUT): nothing matches what was asked for.
    static func notFound(_ what: String) -> OperatorFailure { OperatorFailure(description: what, code: 66) }

    /// 69 (EX_UNAVAILABLE): the database cannot answer.
    static func unavailable(_ why: String) -> OperatorFailure { OperatorFailure(description: why, code: 69) }

    /// 73 (EX_CANTCREAT): the output file cannot be written.
    static func cannotWrite(_ why: String) -> OperatorFailure { OperatorFailure(description: why, code: 73) }

    /// Maps database errors to a failure that says what to do; other errors pass through.
    static func from(_ error: any Error) -> any Error {
        if error is OperatorFailure || error is ValidationError || error is ExitCode { return error }
        guard let error = error as? PostgresError else { return error }
        switch error.sqlState {
        case "42P01", "3F000":
            return unavailable("the database lacks a service's tables: start the cluster once so every service runs its migrations")
        case "42501":
            return unavailable("the database role may not read every service's schema: use the admin URL (ADMIN_DATABASE_URL in .local/credentials.env)")
        case "28P01", "28000":
            return unavailable("the database refused the login: check the user and password in --database-url")
        default:
            return error.kind == .connection || error.kind == .configuration
                ? unavailable("the database cannot be reached: \(error)")
                : error
        }
    }

    /// Reports `error` on standard error and exits with its code when it is one of ours;
    /// ArgumentParser would otherwise exit 1 for it.
    static func exit(for error: any Error) -> any Error {
        switch from(error) {
        case let failure as OperatorFailure:
            FileHandle.standardError.write(Data("error: \(failure.description)\n".utf8))
            return ExitCode(failure.code)
        case let other:
            return other
        }
    }
}
