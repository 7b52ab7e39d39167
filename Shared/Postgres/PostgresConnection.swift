import CLibPQ
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One PostgreSQL session. Every call blocks its thread until the server answers.
///
/// Connections are handed out only inside `PostgresPool` closures, which run on the pool's
/// own threads, so blocking never happens on Swift's cooperative thread pool. The type is
/// deliberately not `Sendable`: it must not leave the closure it was handed to.
public final class PostgresConnection {
    private var handle: OpaquePointer?
    private let noticeLogger: PostgresNoticeLogger
    private var savepointCounter = 0
    /// Set while `withTopLevelTransaction` runs: only then are writes deferred to COMMIT.
    private var inManagedTransaction = false
    /// Buffers written just before COMMIT, in the order they were first used.
    private var pendingWrites: [(key: String, writes: any DeferredWrites)] = []
    /// Channels notified together with the COMMIT, each once.
    private var channelsToNotify: [String] = []
    /// Actions run once the transaction has committed, each key once.
    private var afterCommitActions: [(key: String?, action: () -> Void)] = []
    /// Prepared statements by their SQL text, and how often each unprepared text ran.
    private var preparedStatements = PreparedStatementCache()
    /// Set when the server refused a write as read-only (SQLSTATE 25006): a standby, or a
    /// primary that was demoted during a failover.
    private var servesReadOnly = false

    /// Connects, blocking for at most the configured connect timeout.
    ///
    /// The session is fixed to UTF-8, `TimeZone=UTC`, `DateStyle=ISO` and hex bytea output,
    /// so result text has one format that the decoders rely on.
    init(configuration: PostgresConfiguration, logger: Logger) throws {
        noticeLogger = PostgresNoticeLogger(logger: logger)
        var parameters: [(String, String)] = configuration.connectionKeywords + [
            ("user", configuration.user),
            ("dbname", configuration.database),
            ("application_name", configuration.applicationName),
            ("connect_timeout", String(max(configuration.connectTimeout.components.seconds, 0))),
            ("client_encoding", "UTF8"),
            ("options", "-c TimeZone=UTC -c DateStyle=ISO -c bytea_output=hex"),
            // Keepalives notice a peer that vanished without closing the socket.
            ("keepalives", "1"),
            ("keepalives_idle", "30"),
            ("keepalives_interval", "10"),
            ("keepalives_count", "3"),
        ]
        if !configuration.password.isEmpty {
            parameters.append(("password", configuration.password))
        }
        let connection = CStringArray.with(parameters.map(\.0)) { keywords in
            CStringArray.with(parameters.map(\.1)) { values in
                PQconnectdbParams(keywords, values, 0)
            }
        }
        guard let connection else {
            throw PostgresError(kind: .connection, context: "connect", message: "libpq could not allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.connectionMessage(connection)
            PQfinish(connection)
            throw PostgresError(kind: .connection, context: "connect", message: message)
        }
        handle = connection
        noticeLogger.install(on: connection)
    }

    deinit {
        close()
    }

    /// Runs one statement with `$1`, `$2`… parameters and returns all its rows.
    ///
    /// Parameters are sent separately in text format (PQexecParams) and the server infers
    /// their types; cast in SQL where it cannot (`$1::uuid`). Only one statement is allowed.
    @discardableResult
    public func query(_ sql: String, _ parameters: [PostgresValue] = []) throws -> PostgresRows {
        try run(sql, parameters, context: "query")
    }

    /// Runs one statement with parameters and returns the number of rows it affected.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [PostgresValue] = []) throws -> Int {
        try run(sql, parameters, context: "execute").affectedRows
    }

    /// Runs several `;`-separated statements without parameters (PQexec). Meant for
    /// migrations only; execution stops at the first failing statement.
    public func executeScript(_ sql: String) throws {
        let handle = try liveHandle(context: "script")
        try Self.refuseNUL(in: sql, context: "script")
        _ = try consume(PQexec(handle, sql), handle: handle, context: "script")
    }

    /// Runs `body` in a transaction: BEGIN, then COMMIT if it returns or ROLLBACK if it throws.
    ///
    /// Called while a transaction is already open (nested), it uses a SAVEPOINT instead, so
    /// an inner failure undoes only the inner work. If `body` swallowed a server error that
    /// aborted the transaction, nothing is committed and a `.server` error with SQLSTATE
    /// 25P02 is thrown.
    @discardableResult
    public func withTransaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        if transactionStatus == PQTRANS_IDLE {
            return try withTopLevelTransaction(body)
        }
        return try withSavepoint(body)
    }

    /// The running transaction's buffer for `key`, made by `make` on first use; nil outside
    /// a transaction opened by `withTransaction`, where the caller writes at once.
    public func deferredWrites<Writes: DeferredWrites>(key: String, make: () -> Writes) -> Writes? {
        guard inManagedTransaction else { return nil }
        if let existing = pendingWrites.first(where: { $0.key == key }) {
            return existing.writes as? Writes
        }
        let writes = make()
        pendingWrites.append((key, writes))
        return writes
    }

    /// Notifies `channel` once when the running transaction commits, in the same round trip
    /// as the COMMIT; outside a transaction opened by `withTransaction`, at once.
    public func notifyOnCommit(channel: String) throws {
        guard inManagedTransaction else {
            try execute("SELECT pg_notify($1, '')", [.text(channel)])
            return
        }
        if !channelsToNotify.contains(channel) { channelsToNotify.append(channel) }
    }

    /// Runs `action` once after the running transaction commits (not if it rolls back), or
    /// at once outside a transaction opened by `withTransaction`. Several actions with the
    /// same key run once. The action runs on this connection's thread: keep it short.
    /// Actions of a savepoint that is rolled back never run.
    public func afterCommit(key: String? = nil, _ action: @escaping () -> Void) {
        guard inManagedTransaction else {
            action()
            return
        }
        if let key, afterCommitActions.contains(where: { $0.key == key }) { return }
        afterCommitActions.append((key, action))
    }

    /// Whether the session is connected as far as libpq knows. A connection the server
    /// closed while idle is only noticed on its next use.
    public var isHealthy: Bool {
        guard let handle, !servesReadOnly else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    // MARK: - Internal, for the pool and the listener

    /// libpq's view of the session's transaction state.
    var transactionStatus: PGTransactionStatusType {
        guard let handle else { return PQTRANS_UNKNOWN }
        return PQtransactionStatus(handle)
    }

    /// Closes the session; later calls fail with a `.connection` error.
    func close() {
        if let handle {
            PQfinish(handle)
            self.handle = nil
        }
    }

    /// Checks, without blocking, whether the server has closed the session while it sat
    /// idle (e.g. `pg_terminate_backend`, a server restart): reads whatever is pending on
    /// the socket and reports whether the session survived.
    func isStillConnected() -> Bool {
        guard let handle, PQstatus(handle) == CONNECTION_OK else { return false }
        // Pending data may arrive in several reads (an error message, then end of file).
        for _ in 0..<4 {
            switch Self.waitForInput(handle, timeoutMilliseconds: 0) {
            case .failed:
                return false
            case .timedOut:
                return PQstatus(handle) == CONNECTION_OK
            case .readable:
                if PQconsumeInput(handle) == 0 {
                    return false
                }
                discardNotifications(handle)
            }
        }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// Waits up to `timeoutMilliseconds` for notifications (after LISTEN) and returns them.
    /// Throws a `.connection` error when the session is lost.
    func waitForNotifications(timeoutMilliseconds: Int32) throws -> [(channel: String, payload: String)] {
        let handle = try liveHandle(context: "listen")
        var received = takeNotifications(handle)
        guard received.isEmpty else { return received }
        switch Self.waitForInput(handle, timeoutMilliseconds: timeoutMilliseconds) {
        case .failed:
            throw PostgresError(kind: .connection, context: "listen", message: "waiting on the socket failed")
        case .timedOut:
            return []
        case .readable:
            if PQconsumeInput(handle) == 0 || PQstatus(handle) != CONNECTION_OK {
                throw PostgresError(kind: .connection, context: "listen", message: Self.connectionMessage(handle))
            }
            received = takeNotifications(handle)
            return received
        }
    }

    // MARK: - Private

    private func withTopLevelTransaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try run("BEGIN", [], context: "begin")
        inManagedTransaction = true
        defer { forgetTransactionState() }
        let result: T
        do {
            result = try body(self)
            if transactionStatus != PQTRANS_INERROR {
                // Flushing may add channels and actions; the buffers themselves are written once.
                for (_, writes) in pendingWrites { try writes.flush(on: self) }
            }
        } catch {
            rollbackQuietly("ROLLBACK")
            throw error
        }
        if transactionStatus == PQTRANS_INERROR {
            rollbackQuietly("ROLLBACK")
            throw Self.abortedTransactionError
        }
        do {
            try commit()
        } catch {
            if transactionStatus != PQTRANS_IDLE {
                rollbackQuietly("ROLLBACK")
            }
            throw error
        }
        let actions = afterCommitActions
        afterCommitActions = []
        for (_, action) in actions { action() }
        return result
    }

    /// COMMIT, preceded in the same round trip by the NOTIFYs the transaction asked for.
    private func commit() throws {
        guard !channelsToNotify.isEmpty else {
            try run("COMMIT", [], context: "commit")
            return
        }
        let handle = try liveHandle(context: "commit")
        let script = channelsToNotify.map { "NOTIFY \(PostgresIdentifier.quoted($0))" }.joined(separator: "; ") + "; COMMIT"
        try Self.refuseNUL(in: script, context: "commit")
        _ = try consume(PQexec(handle, script), handle: handle, context: "commit")
    }

    private func forgetTransactionState() {
        inManagedTransaction = false
        pendingWrites = []
        channelsToNotify = []
        afterCommitActions = []
    }

    private func withSavepoint<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        savepointCounter += 1
        let name = "reintegration_savepoint_\(savepointCounter)"
        try run("SAVEPOINT \(name)", [], context: "savepoint")
        let marks = pendingWrites.map(\.writes.count)
        let actionCount = afterCommitActions.count
        let result: T
        do {
            result = try body(self)
        } catch {
            rollbackQuietly("ROLLBACK TO SAVEPOINT \(name)")
            rollbackQuietly("RELEASE SAVEPOINT \(name)")
            restorePendingWrites(marks, actionCount: actionCount)
            throw error
        }
        if transactionStatus == PQTRANS_INERROR {
            rollbackQuietly("ROLLBACK TO SAVEPOINT \(name)")
            rollbackQuietly("RELEASE SAVEPOINT \(name)")
            restorePendingWrites(marks, actionCount: actionCount)
            throw Self.abortedTransactionError
        }
        try run("RELEASE SAVEPOINT \(name)", [], context: "release savepoint")
        return result
    }

    /// Undoes the buffered writes and after-commit actions of a rolled-back savepoint:
    /// buffers cut back to their length at its start, buffers it made dropped. (Its
    /// NOTIFYs stay: a spurious wake-up is harmless.)
    private func restorePendingWrites(_ marks: [Int], actionCount: Int) {
        afterCommitActions.removeLast(afterCommitActions.count - actionCount)
        pendingWrites.removeLast(pendingWrites.count - marks.count)
        for (index, mark) in marks.enumerated() { pendingWrites[index].writes.truncate(to: mark) }
    }

    private static let abortedTransactionError = PostgresError(
        kind: .server,
        sqlState: "25P02",
        context: "commit",
        message: "the transaction was aborted by an earlier error that the body did not rethrow"
    )

    /// Undo steps run on an error path: a failure here must not hide the original error,
    /// and a lost connection is reported by `isHealthy` anyway.
    private func rollbackQuietly(_ sql: String) {
        guard isHealthy else { return }
        _ = try? run(sql, [], context: "rollback")
    }

    @discardableResult
    private func run(_ sql: String, _ parameters: [PostgresValue], context: String) throws -> PostgresRows {
        let handle = try liveHandle(context: context)
        try Self.refuseNUL(in: sql, context: context)
        guard parameters.count <= Int(UInt16.max) else {
            throw PostgresError.protocolViolation("\(context) has more than 65535 parameters")
        }
        let texts = try parameters.map { try $0.textRepresentation() }
        guard !parameters.isEmpty, let name = try preparedName(for: sql, handle: handle, context: context) else {
            let result = CStringArray.with(texts) { values in
                PQexecParams(handle, sql, Int32(texts.count), nil, values, nil, nil, 0)
            }
            return try consume(result, handle: handle, context: context)
        }
        let result = CStringArray.with(texts) { values in
            PQexecPrepared(handle, name, Int32(texts.count), values, nil, nil, 0)
        }
        do {
            return try consume(result, handle: handle, context: context)
        } catch let error as PostgresError where error.sqlState == "0A000" || error.sqlState == "26000" {
            // The statement's result type changed (a migration) or it is gone: prepare anew next time.
            preparedStatements.forget(sql)
            throw error
        }
    }

    /// The name of the prepared statement for `sql`, preparing it on its second use (a
    /// statement run once costs no extra round trip); nil to run it unprepared.
    private func preparedName(for sql: String, handle: OpaquePointer, context: String) throws -> String? {
        switch preparedStatements.lookUp(sql) {
        case .prepared(let name):
            return name
        case .unprepared:
            return nil
        case .prepare(let name):
            _ = try consume(PQprepare(handle, name, sql, 0, nil), handle: handle, context: context)
            preparedStatements.remember(sql, as: name)
            return name
        }
    }

    private func liveHandle(context: String) throws -> OpaquePointer {
        guard let handle else {
            throw PostgresError(kind: .connection, context: context, message: "the connection is closed")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            throw PostgresError(kind: .connection, context: context, message: Self.connectionMessage(handle))
        }
        return handle
    }

    /// Turns a PGresult into rows or a typed error, and frees it.
    private func consume(_ result: OpaquePointer?, handle: OpaquePointer, context: String) throws -> PostgresRows {
        guard let result else {
            let kind: PostgresError.Kind = PQstatus(handle) == CONNECTION_OK ? .protocolViolation : .connection
            throw PostgresError(kind: kind, context: context, message: Self.connectionMessage(handle))
        }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        switch status {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return Self.rows(of: result)
        case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR:
            let sqlState = Self.errorField(result, PostgresDiagnosticField.sqlState)
            let message = Self.errorField(result, PostgresDiagnosticField.primaryMessage)
                ?? Self.trimmed(PQresultErrorMessage(result))
            let kind: PostgresError.Kind = PQstatus(handle) == CONNECTION_OK ? .server : .connection
            let error = PostgresError(kind: kind, sqlState: sqlState, context: context, message: message)
            // The server is (now) a standby: this session can never write again, so the pool
            // drops it and the next connection looks for the primary.
            if error.isReadOnlyServer { servesReadOnly = true }
            throw error
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            // The session now waits for COPY data this API cannot supply or read; drop it
            // so the pool replaces it.
            close()
            throw PostgresError(kind: .protocolViolation, context: context, message: "COPY is not supported by query/execute")
        default:
            let message = Self.trimmed(PQresultErrorMessage(result))
            throw PostgresError(kind: .protocolViolation, context: context, message: message)
        }
    }

    private static func rows(of result: OpaquePointer) -> PostgresRows {
        let rowCount = PQntuples(result)
        let columnCount = PQnfields(result)
        let names = (0..<columnCount).map { column in
            PQfname(result, column).map { String(cString: $0) } ?? ""
        }
        var values: [[String?]] = []
        values.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            var rowValues: [String?] = []
            rowValues.reserveCapacity(Int(columnCount))
            for column in 0..<columnCount {
                if PQgetisnull(result, row, column) == 1 {
                    rowValues.append(nil)
                } else {
                    let bytes = UnsafeRawBufferPointer(
                        start: PQgetvalue(result, row, column),
                        count: Int(PQgetlength(result, row, column))
                    )
                    rowValues.append(String(decoding: bytes, as: UTF8.self))
                }
            }
            values.append(rowValues)
        }
        let affected = PQcmdTuples(result).map { String(cString: $0) }.flatMap { Int($0) } ?? 0
        return PostgresRows(layout: PostgresColumnLayout(names: names), values: values, affectedRows: affected)
    }

    private func takeNotifications(_ handle: OpaquePointer) -> [(channel: String, payload: String)] {
        var received: [(channel: String, payload: String)] = []
        while let notification = PQnotifies(handle) {
            let channel = notification.pointee.relname.map { String(cString: $0) } ?? ""
            let payload = notification.pointee.extra.map { String(cString: $0) } ?? ""
            received.append((channel, payload))
            PQfreemem(notification)
        }
        return received
    }

    private func discardNotifications(_ handle: OpaquePointer) {
        while let notification = PQnotifies(handle) {
            PQfreemem(notification)
        }
    }

    private enum SocketWait {
        case readable, timedOut, failed
    }

    private static func waitForInput(_ handle: OpaquePointer, timeoutMilliseconds: Int32) -> SocketWait {
        let socket = PQsocket(handle)
        guard socket >= 0 else { return .failed }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        while true {
            let outcome = poll(&descriptor, 1, timeoutMilliseconds)
            if outcome > 0 { return .readable }
            if outcome == 0 { return .timedOut }
            if errno != EINTR { return .failed }
        }
    }

    private static func refuseNUL(in sql: String, context: String) throws {
        if sql.utf8.contains(0) {
            throw PostgresError.protocolViolation("\(context) SQL contains a NUL character")
        }
    }

    private static func errorField(_ result: OpaquePointer, _ code: Int32) -> String? {
        PQresultErrorField(result, code).map { String(cString: $0) }
    }

    private static func connectionMessage(_ handle: OpaquePointer) -> String {
        trimmed(PQerrorMessage(handle))
    }

    private static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "" }
        return String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

@available(*, unavailable, message: "a PostgresConnection belongs to the closure it was handed to")
extension PostgresConnection: Sendable {}
