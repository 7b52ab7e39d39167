import CLibPQ
import Logging

/// One place in a `PostgresPool`: holds its connection, created lazily and replaced when bad.
///
/// `@unchecked Sendable` because the pool's checkout discipline gives exactly one task (and
/// then one pool thread) at a time exclusive use of a slot; the hand-over goes through the
/// pool's lock and NIOThreadPool's queue, which order the accesses.
final class PooledConnectionSlot: @unchecked Sendable {
    private var connection: PostgresConnection?

    /// The slot's connection, connecting if it has none or if the old one was closed by
    /// the server while idle. Blocks; call on a pool thread.
    func readyConnection(configuration: PostgresConfiguration, logger: Logger) throws -> PostgresConnection {
        if let connection {
            if connection.isStillConnected() {
                return connection
            }
            logger.notice("Replacing a PostgreSQL connection the server closed")
            connection.close()
            self.connection = nil
        }
        let fresh = try PostgresConnection(configuration: configuration, logger: logger)
        connection = fresh
        return fresh
    }

    /// Leaves the slot ready for the next user: drops a broken connection and rolls back
    /// a transaction the body left open. Blocks; call on a pool thread.
    func tidyAfterUse(logger: Logger) {
        guard let connection else { return }
        guard connection.isHealthy else {
            connection.close()
            self.connection = nil
            return
        }
        let status = connection.transactionStatus
        if status == PQTRANS_IDLE {
            return
        }
        if status == PQTRANS_INTRANS || status == PQTRANS_INERROR {
            logger.warning("A pooled PostgreSQL connection was returned inside a transaction; rolling back")
            if (try? connection.execute("ROLLBACK")) != nil, connection.transactionStatus == PQTRANS_IDLE {
                return
            }
        }
        connection.close()
        self.connection = nil
    }

    /// Closes the connection, if any. Blocks briefly; call on a pool thread.
    func close() {
        connection?.close()
        connection = nil
    }
}
