extension Connection {
    /// Writes `rows` (each `width` values) with `head` (`INSERT INTO t (…) VALUES `) and an
    /// optional `tail` (`ON CONFLICT …`): one prepared statement a row on SQLite, where a
    /// statement costs no round trip, and multi-row statements of up to ~4,000 values on
    /// PostgreSQL, where every statement is a round trip. The caller makes sure no chunk
    /// touches a row twice when `tail` is an upsert.
    func insertRows(_ head: String, width: Int, tail: String = "", rows: [[SQLValue]]) throws {
        guard !rows.isEmpty, width > 0 else { return }
        let one = "(" + Array(repeating: "?", count: width).joined(separator: ", ") + ")"
        let end = tail.isEmpty ? "" : " " + tail
        guard isPostgres else {
            let stmt = try cached(head + one + end)
            for row in rows { try stmt.run(row) }
            return
        }
        let chunk = Swift.max(1, 4_000 / width)
        var start = 0
        while start < rows.count {
            let part = rows[start..<Swift.min(start + chunk, rows.count)]
            let sql = head + Array(repeating: one, count: part.count).joined(separator: ", ") + end
            let stmt = try part.count == chunk ? cached(sql) : prepare(sql)
            stmt.pg?.inferable = true  // every parameter is a value of the VALUES list
            try stmt.run(Array(part.joined()))
            start += part.count
        }
    }
}
