/// All rows a statement returned, with their column names.
public struct PostgresRows: Sendable, RandomAccessCollection {
    let layout: PostgresColumnLayout
    let values: [[String?]]
    /// The count from the command tag (rows inserted, updated, deleted, selected…); 0 when
    /// the command reports none.
    public let affectedRows: Int

    init(layout: PostgresColumnLayout, values: [[String?]], affectedRows: Int) {
        self.layout = layout
        self.values = values
        self.affectedRows = affectedRows
    }

    /// The column names, in order.
    public var columns: [String] { layout.names }

    /// The number of rows.
    public var count: Int { values.count }

    /// Always 0.
    public var startIndex: Int { values.startIndex }
    /// One past the last row; equals `count`.
    public var endIndex: Int { values.endIndex }

    /// The row at a zero-based position.
    public subscript(position: Int) -> PostgresRow {
        PostgresRow(layout: layout, values: values[position])
    }
}
