/// Rows a transaction collects while it runs and writes in one go just before it
/// commits (`PostgresConnection.deferredWrites(key:make:)`): many small inserts become
/// one multi-row statement.
///
/// Rolling back a savepoint cuts the buffer back to the length it had when the savepoint
/// began, so only the work that survives is written; rolling back the transaction drops
/// the buffer unwritten.
public protocol DeferredWrites: AnyObject {
    /// How many entries are buffered.
    var count: Int { get }
    /// Drops the entries after the first `count`.
    func truncate(to count: Int)
    /// Writes the buffered entries; runs inside the transaction, just before COMMIT.
    func flush(on connection: PostgresConnection) throws
}
