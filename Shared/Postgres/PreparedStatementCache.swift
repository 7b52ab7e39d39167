/// Which statements a connection has prepared, by SQL text.
///
/// A text is prepared on its second use: statements run once (most multi-row inserts,
/// whose text depends on the row count) cost no extra round trip. Bounded, so a
/// connection that sees ever new texts stops preparing instead of growing.
struct PreparedStatementCache {
    enum Decision: Equatable {
        case prepared(String)
        case prepare(String)
        case unprepared
    }

    static let capacity = 256
    private static let seenCapacity = 4_096

    private var names: [String: String] = [:]
    private var seenOnce: Set<String> = []
    private var counter = 0

    mutating func lookUp(_ sql: String) -> Decision {
        if let name = names[sql] { return .prepared(name) }
        guard names.count < Self.capacity else { return .unprepared }
        guard seenOnce.remove(sql) != nil else {
            if seenOnce.count >= Self.seenCapacity { seenOnce.removeAll(keepingCapacity: true) }
            seenOnce.insert(sql)
            return .unprepared
        }
        counter += 1
        return .prepare("reintegration_statement_\(counter)")
    }

    mutating func remember(_ sql: String, as name: String) {
        names[sql] = name
    }

    /// Drops a statement that went stale; the next use prepares it under a new name.
    mutating func forget(_ sql: String) {
        names.removeValue(forKey: sql)
    }
}
