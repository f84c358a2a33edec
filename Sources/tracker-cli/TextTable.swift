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

    /// Whether a cell reads as a number as `Format` prints them (`-` for none, `nan`, `+0.01`).
    static func looksNumeric(_ s: String) -> Bool {
        s == "-" || s == "nan" || s == "inf" || s == "-inf" || Double(s.utf8.contains(UInt8(ascii: "+")) ? s.replacingOccurrences(of: "+", with: "") : s) != nil
    }

    /// The table as lines (no trailing spaces).
    func render(color: Bool = Console.useColor) -> String {
        let columns = headers.count
        let widths = columnWidths()
        let right = rightAligned ?? Set((0..<columns).filter { i in
            !rows.isEmpty && rows.allSatisfy { r in i >= r.count || TextTable.looksNumeric(r[i]) }
        })
        func line(_ cells: [String]) -> String {
            var line = ""
            var pending = 0  // spaces owed before the next non-empty text (never trailing)
            for i in 0..<columns {
                let c = i < cells.count ? cells[i] : ""
                let pad = max(0, widths[i] - TextTable.width(c))
                if i > 0 { pending += 2 }
                if right.contains(i) { pending += pad }
                if !c.isEmpty {
                    if pending > 0 { line.append(String(repeating: " ", count: pending)) }
                    line.append(c)
                    pending = 0
                }
                if !right.contains(i) { pending += pad }
            }
            return line
        }
        var out = color ? TerminalStyle.bold(line(headers)) : line(headers)
        out.reserveCapacity((widths.reduce(0, +) + 2 * columns + 1) * (rows.count + 1))
        for r in rows {
            out.append("\n")
            out.append(line(r))
        }
        return out
    }

    /// The visible width of each column (header and cells).
    func columnWidths() -> [Int] {
        var widths = headers.map(TextTable.width)
        for r in rows { for (i, c) in r.prefix(widths.count).enumerated() { widths[i] = max(widths[i], TextTable.width(c)) } }
        return widths
    }

    /// Width of the widest line.
    var totalWidth: Int {
        let widths = columnWidths()
        return widths.reduce(0, +) + 2 * max(0, widths.count - 1)
    }

    /// Drops columns from `droppable` (last first) until the table fits `width`; returns the dropped headers.
    mutating func fit(width: Int, droppable: [Int]) -> [String] {
        var widths = columnWidths()
        func total() -> Int { widths.reduce(0, +) + 2 * max(0, widths.count - 1) }
        var dropped: [Int] = []
        var candidates = droppable.sorted()
        while total() > width, let column = candidates.popLast() {
            dropped.append(column)
            widths.remove(at: column)
        }
        guard !dropped.isEmpty else { return [] }
        let gone = Set(dropped)
        let names = dropped.sorted().map { headers[$0] }
        headers = headers.indices.filter { !gone.contains($0) }.map { headers[$0] }
        rows = rows.map { r in r.indices.filter { !gone.contains($0) }.map { r[$0] } }
        if let right = rightAligned {
            var remapped = Set<Int>(), shift = 0
            for i in 0..<(headers.count + gone.count) {
                if gone.contains(i) { shift += 1 } else if right.contains(i) { remapped.insert(i - shift) }
            }
            rightAligned = remapped
        }
        return names
    }

    /// Visible width: characters outside ANSI colour sequences.
    static func width(_ s: String) -> Int {
        // Fast path: plain ASCII without escapes is one column a byte.
        var ascii = true
        for b in s.utf8 where b >= 0x80 || b == 0x1B { ascii = false; break }
        if ascii { return s.utf8.count }
        var n = 0, inEscape = false
        for c in s {
            if inEscape { if c == "m" { inEscape = false }; continue }
            if c == "\u{1B}" { inEscape = true; continue }
            n += 1
        }
        return n
    }
}
