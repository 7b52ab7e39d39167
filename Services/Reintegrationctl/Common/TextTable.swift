/// Columns aligned with spaces for a terminal: text to the left, numbers to the right.
struct TextTable {
    enum Alignment { case left, right }

    let headers: [String]
    let alignments: [Alignment]
    private(set) var rows: [[String]] = []

    init(_ columns: [(String, Alignment)]) {
        headers = columns.map(\.0)
        alignments = columns.map(\.1)
    }

    mutating func append(_ row: [String]) { rows.append(row) }

    /// The table with a header rule (or without both, for a key/value list), each line
    /// ending in a newline; trailing spaces trimmed.
    func rendered(indent: String = "", withHeader: Bool = true) -> String {
        let all = (withHeader ? [headers] : []) + rows
        let widths = headers.indices.map { column in all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            let padded = headers.indices.map { column -> String in
                let cell = cells.indices.contains(column) ? cells[column] : ""
                let fill = String(repeating: " ", count: widths[column] - cell.count)
                return alignments[column] == .left ? cell + fill : fill + cell
            }
            var text = indent + padded.joined(separator: "  ")
            while text.hasSuffix(" ") { text.removeLast() }
            return text + "\n"
        }
        let rule = indent + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        return (withHeader ? line(headers) + rule : "") + rows.map(line).joined()
    }
}
