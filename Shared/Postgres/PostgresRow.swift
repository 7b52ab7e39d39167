/// One row of a result; cells are looked up by column name or position.
public struct PostgresRow: Sendable {
    let layout: PostgresColumnLayout
    let values: [String?]

    /// The result's column names, in order.
    public var columns: [String] { layout.names }

    /// The cell of the named column. With duplicate names the first wins; an unknown
    /// name gives a cell whose decoding throws, naming the column.
    public subscript(_ column: String) -> PostgresCell {
        guard let index = layout.positions[column] else {
            return PostgresCell(column: column, string: nil, isMissing: true)
        }
        return PostgresCell(column: column, string: values[index])
    }

    /// The cell at a zero-based column position; an out-of-range position gives a cell
    /// whose decoding throws.
    public subscript(_ index: Int) -> PostgresCell {
        guard values.indices.contains(index) else {
            return PostgresCell(column: "#\(index)", string: nil, isMissing: true)
        }
        return PostgresCell(column: layout.names[index], string: values[index])
    }
}

/// Column names and their positions, shared by all rows of one result.
final class PostgresColumnLayout: Sendable {
    let names: [String]
    let positions: [String: Int]

    init(names: [String]) {
        self.names = names
        var positions: [String: Int] = [:]
        for (index, name) in names.enumerated() where positions[name] == nil {
            positions[name] = index
        }
        self.positions = positions
    }
}
