import CLibPQ
import Logging

/// Receives the server's notices and warnings for one connection.
///
/// libpq prints them to stderr by default; routing them to the logger keeps stderr clean
/// and, by logging only severity and SQLSTATE, keeps data quoted in messages out of logs.
final class PostgresNoticeLogger {
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    /// Installs this object as `connection`'s notice receiver. It must outlive the connection.
    func install(on connection: OpaquePointer) {
        let receiver: PQnoticeReceiver = { argument, result in
            guard let argument, let result else { return }
            Unmanaged<PostgresNoticeLogger>.fromOpaque(argument).takeUnretainedValue().log(result)
        }
        _ = PQsetNoticeReceiver(connection, receiver, Unmanaged.passUnretained(self).toOpaque())
    }

    private func log(_ result: OpaquePointer) {
        let severity = field(result, PostgresDiagnosticField.severityNonLocalized) ?? "NOTICE"
        let sqlState = field(result, PostgresDiagnosticField.sqlState) ?? "?????"
        let level: Logger.Level = severity == "WARNING" ? .notice : .debug
        logger.log(
            level: level,
            "PostgreSQL notice",
            metadata: ["postgres.severity": "\(severity)", "postgres.sqlstate": "\(sqlState)"]
        )
    }

    private func field(_ result: OpaquePointer, _ code: Int32) -> String? {
        PQresultErrorField(result, code).map { String(cString: $0) }
    }
}
