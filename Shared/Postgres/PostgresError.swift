/// An error from the PostgreSQL module.
///
/// `description` holds only the kind, the SQLSTATE and a short context (such as `query` or
/// `column "id" as Int`), never message text, because server messages may quote data.
/// `debugDescription` adds the server's (or libpq's) primary message, and never parameters.
public struct PostgresError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What went wrong, broadly.
    public enum Kind: Sendable, Hashable {
        /// The configuration or URL is unusable.
        case configuration
        /// Connecting failed or the connection was lost.
        case connection
        /// The server refused a statement; see `sqlState`.
        case server
        /// Something did not fit the wire format or this module's expectations
        /// (for example a NUL character in a parameter or an unexpected result status).
        case protocolViolation
        /// A column's text could not be turned into the requested type.
        case decoding
        /// The pool has been shut down.
        case poolClosed
    }

    /// What went wrong, broadly.
    public var kind: Kind
    /// The five-character SQLSTATE, when the server sent one (e.g. `"23505"`).
    public var sqlState: String?
    /// A short phrase saying what was being done, free of data.
    public var context: String
    /// The server's or libpq's primary message; shown only by `debugDescription`.
    var message: String?

    /// Creates an error; `message` appears only in `debugDescription`.
    public init(kind: Kind, sqlState: String? = nil, context: String, message: String? = nil) {
        self.kind = kind
        self.sqlState = sqlState
        self.context = context
        self.message = message
    }

    /// SQLSTATE 23505: a unique or primary-key constraint was violated.
    public var isUniqueViolation: Bool { sqlState == "23505" }

    /// SQLSTATE 40001: the transaction could not be serialised and may be retried.
    public var isSerializationFailure: Bool { sqlState == "40001" }

    /// SQLSTATE 40P01: the transaction was chosen as a deadlock victim and may be retried.
    public var isDeadlock: Bool { sqlState == "40P01" }

    /// SQLSTATE 25006: the server refused a write because it is read-only (a standby, or
    /// the old primary during a failover).
    public var isReadOnlyServer: Bool { sqlState == "25006" }

    /// The connection is gone, or cannot serve writes any more: a connection error, SQLSTATE
    /// class 08, the server terminating the session (57P01 admin shutdown, 57P02 crash
    /// shutdown, 57P03 cannot connect now), or a read-only server during a failover (25006;
    /// the next connection finds the new primary). None of these is a message's fault.
    public var isConnectionLoss: Bool {
        if kind == .connection { return true }
        guard let sqlState else { return false }
        return sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03", "25006"].contains(sqlState)
    }

    /// Whether running the whole transaction again may succeed.
    public var isRetryable: Bool { isSerializationFailure || isDeadlock || isConnectionLoss }

    /// Kind, SQLSTATE and context only: safe to log.
    public var description: String {
        var text = "Postgres \(kind.name) error"
        if let sqlState {
            text += " (SQLSTATE \(sqlState))"
        }
        return text + " in \(context)"
    }

    /// `description` plus the primary message, which may quote data: for debugging only.
    public var debugDescription: String {
        guard let message, !message.isEmpty else { return description }
        return description + ": " + message
    }
}

extension PostgresError {
    static func configuration(_ context: String) -> PostgresError {
        PostgresError(kind: .configuration, context: context)
    }

    static func decoding(_ context: String) -> PostgresError {
        PostgresError(kind: .decoding, context: context)
    }

    static func protocolViolation(_ context: String) -> PostgresError {
        PostgresError(kind: .protocolViolation, context: context)
    }

    static let poolClosed = PostgresError(kind: .poolClosed, context: "checkout")
}

extension PostgresError.Kind {
    var name: String {
        switch self {
        case .configuration: "configuration"
        case .connection: "connection"
        case .server: "server"
        case .protocolViolation: "protocol"
        case .decoding: "decoding"
        case .poolClosed: "pool closed"
        }
    }
}
