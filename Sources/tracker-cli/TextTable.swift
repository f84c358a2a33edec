/// An aligned text table for terminals: numbers right-aligned, a bold header on a TTY.
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []
    /// Columns aligned right (numbers); by default columns whose cells all look numeric.
    var rightAligned: Set<Int>?

    init(_ headers: [String], rows: [[String]] = []) {
        self.headers = headers
        self.rows = rows
    }

    mutating func add(_ row: [String]) { rows.append(row) }

    /// The table as lines (no trailing spaces).
    func render(color: Bool = Console.useColor) -> String {
        let columns = headers.count
        var widths = headers.map(TextTable.width)
        for r in rows { for (i, c) in r.prefix(columns).enumerated() { widths[i] = max(widths[i], TextTable.width(c)) } }
        let right = rightAligned ?? Set((0..<columns).filter { i in
            !rows.isEmpty && rows.allSatisfy { r in i >= r.count || Fmt.looksNumeric(r[i]) }
        })
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for i in 0..<columns {
                let c = i < cells.count ? cells[i] : ""
                let pad = String(repeating: " ", count: max(0, widths[i] - TextTable.width(c)))
                parts.append(right.contains(i) ? pad + c : c + pad)
            }
            var s = parts.joined(separator: "  ")
            while s.hasSuffix(" ") { s.removeLast() }
            return s
        }
        var out = [color ? Fmt.bold(line(headers)) : line(headers)]
        out += rows.map(line)
        return out.joined(separator: "\n")
    }

    /// Width of the widest line.
    var totalWidth: Int {
        let widths = headers.indices.map { i in rows.reduce(TextTable.width(headers[i])) { max($0, i < $1.count ? TextTable.width($1[i]) : 0) } }
        return widths.reduce(0, +) + 2 * max(0, widths.count - 1)
    }

    /// Drops columns from `droppable` (last first) until the table fits `width`; returns the dropped headers.
    mutating func fit(width: Int, droppable: [Int]) -> [String] {
        var dropped: [String] = []
        var candidates = droppable.sorted()
        while totalWidth > width, let column = candidates.popLast() {
            dropped.insert(headers.remove(at: column), at: 0)
            rows = rows.map { r in
                var r = r
                if column < r.count { r.remove(at: column) }
                return r
            }
        }
        return dropped
    }

    /// Visible width: characters outside ANSI colour sequences.
    static func width(_ s: String) -> Int {
        var n = 0, inEscape = false
        for c in s {
            if inEscape { if c == "m" { inEscape = false }; continue }
            if c == "\u{1B}" { inEscape = true; continue }
            n += 1
        }
        return n
    }
}
