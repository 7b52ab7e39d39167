import AMQP
import Postgres

/// Why a service process ended other than by being asked to stop.
///
/// `main` turns it into the process's exit status with ``exitStatus`` (sysexits(3)):
/// 78 for configuration a person must fix, 69 for a server that is unavailable, 1 for
/// anything else. A service that failed never exits 0. `description` repeats the
/// underlying error's, which never carries secrets or personal data.
public enum ServiceFailure: Error, CustomStringConvertible {
    /// A setting, policy or reference file is missing or unusable; nothing started.
    case configuration(any Error)
    /// The database holds migrations this binary does not know, or altered ones.
    case migrationsRefused(MigrationError)
    /// A part of the service stopped with an error while running.
    case stopped(any Error)

    /// EX_CONFIG (78), EX_UNAVAILABLE (69) when a server could not be reached, or 1.
    public var exitStatus: Int32 {
        switch self {
        case .configuration, .migrationsRefused:
            return 78
        case .stopped(let error):
            if let error = error as? AMQPError, error.isRetryable { return 69 }
            if let error = error as? PostgresError, error.isConnectionLoss { return 69 }
            return 1
        }
    }

    public var description: String {
        switch self {
        case .configuration(let error): "configuration error: \(error)"
        case .migrationsRefused(let error): "migrations refused: \(error)"
        case .stopped(let error): "stopped with an error: \(error)"
        }
    }
}
