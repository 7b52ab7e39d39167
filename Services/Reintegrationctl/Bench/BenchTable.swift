import Foundation

/// The suite's figures as one table: rate, ratio to the floor, latency percentiles.
struct BenchTable {
    struct Row {
        var name: String
        var rate: Double
        var unit: String
        var p50: Double
        var p99: Double
        var note: String
        /// False when the figure does not cross the broker, so a ratio would mislead.
        var comparable: Bool
    }

    var floor: Double = .nan
    private(set) var rows: [Row] = []

    mutating func add(
        _ name: String, rate: Double, unit: String, p50: Double, p99: Double, note: String = "", comparable: Bool = true
    ) {
        rows.append(Row(name: name, rate: rate, unit: unit, p50: p50, p99: p99, note: note, comparable: comparable))
    }

    private var header: [String] { ["benchmark", "throughput", "ratio to floor", "p50", "p99", "note"] }

    private func cells(_ row: Row) -> [String] {
        [
            row.name,
            "\(Self.grouped(row.rate)) \(row.unit)",
            row.comparable && floor.isFinite && floor > 0 ? String(format: "%.3f", row.rate / floor) : "-",
            Self.milliseconds(row.p50),
            Self.milliseconds(row.p99),
            row.note,
        ]
    }

    /// Aligned columns for the terminal.
    func render() -> String {
        var table = TextTable(zip(header, [.left, .right, .right, .right, .right, .left]).map { ($0, $1) })
        for row in rows { table.append(cells(row)) }
        return table.rendered()
    }

    /// The same as a Markdown table (for the README).
    func markdown() -> String {
        let lines = [header] + rows.map(cells)
        var text = "| " + header.joined(separator: " | ") + " |\n"
        text += "|" + String(repeating: "---|", count: header.count) + "\n"
        for line in lines.dropFirst() { text += "| " + line.joined(separator: " | ") + " |\n" }
        return text
    }

    private static func grouped(_ value: Double) -> String {
        guard value.isFinite else { return "-" }
        let digits = String(Int(value.rounded()))
        var result = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0 && index % 3 == 0 { result.append(" ") }
            result.append(character)
        }
        return String(result.reversed())
    }

    private static func milliseconds(_ value: Double) -> String {
        value.isFinite ? "\(Int(value.rounded())) ms" : "-"
    }
}
