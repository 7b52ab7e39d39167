import Postgres

/// The messages one transaction enqueued, written to the outbox just before it commits.
final class OutboxBuffer: DeferredWrites {
    let outbox: Outbox
    var entries: [OutboxEntry] = []

    init(outbox: Outbox) {
        self.outbox = outbox
    }

    var count: Int { entries.count }

    func truncate(to count: Int) {
        entries.removeLast(entries.count - count)
    }

    func flush(on connection: PostgresConnection) throws {
        let written = entries
        entries = []
        try outbox.write(written, on: connection)
    }
}
