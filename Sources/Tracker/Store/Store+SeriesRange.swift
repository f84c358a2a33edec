/// Reading part of a series: a step range (for a zoomed chart), the points after a cursor
/// (for a live chart), and a run's clock (step → epoch and wall time, for other x axes).
extension Store {
    /// The number of stored points of `key` with a step in `steps` (NaN points included).
    public func metricPointCount(run: some RunIdentifier, key: String, steps: ClosedRange<Int>) throws -> Int {
        let seq = try run.runRef(in: self).seq
        return try db.first("""
            SELECT count(*) FROM metrics WHERE run_seq = ? AND key_id = (SELECT id FROM keys WHERE name = ?) AND step BETWEEN ? AND ?
            """, [.integer(seq), .text(key), .integer(Int64(steps.lowerBound)), .integer(Int64(steps.upperBound))]) { Int($0.int(0)) } ?? 0
    }

    /// At most `limit` points of `key` with a step in `steps`, in step order (x = step,
    /// y = value, NaN for NaN). A caller wanting to know whether more exist asks for one more.
    public func metricPoints(run: some RunIdentifier, key: String, steps: ClosedRange<Int>, limit: Int) throws -> [ChartSeries.Point] {
        let seq = try run.runRef(in: self).seq
        let stmt = try db.cached("""
            SELECT step, value FROM metrics WHERE run_seq = ? AND key_id = (SELECT id FROM keys WHERE name = ?)
            AND step BETWEEN ? AND ? ORDER BY step LIMIT ?
            """)
        try stmt.bind([.integer(seq), .text(key), .integer(Int64(steps.lowerBound)), .integer(Int64(steps.upperBound)),
                       .integer(Int64(max(0, limit)))])
        defer { stmt.reset() }
        var out: [ChartSeries.Point] = []
        let row = Row(statement: stmt)
        while try stmt.step() {
            out.append(ChartSeries.Point(x: Double(row.int(0)), y: row.isNull(1) ? .nan : row.double(1)))
        }
        return out
    }

    /// A run's clock: steps, epochs and wall times of its sparsest series (the one with the
    /// fewest points, at least two when any has two — per-epoch metrics, typically), at most
    /// about `limit` of them, evenly spaced in steps. Charts map a step to an epoch or a wall
    /// time by interpolating between these points. Each point is one index seek, so a
    /// million-point series costs what a short one does.
    public func stepClock(run: some RunIdentifier, limit: Int) throws -> [MetricPoint] {
        let seq = try run.runRef(in: self).seq
        let counts = try db.query("""
            SELECT l.key_id, k.name, l.count FROM latest_metrics l JOIN keys k ON k.id = l.key_id WHERE l.run_seq = ? ORDER BY l.count, k.name
            """, [.integer(seq)]) { ($0.int(0), $0.text(1), Int($0.int(2))) }
        guard let pick = counts.first(where: { $0.2 >= 2 }) ?? counts.first else { return [] }
        let stmt = try db.cached("""
            SELECT step, epoch, wall_time FROM metrics WHERE run_seq = ? AND key_id = ? AND step >= ? ORDER BY step LIMIT 1
            """)
        func first(atOrAfter step: Int64) throws -> MetricPoint? {
            try stmt.bind([.integer(seq), .integer(pick.0), .integer(step)])
            defer { stmt.reset() }
            let row = Row(statement: stmt)
            guard try stmt.step() else { return nil }
            return MetricPoint(key: pick.1, step: Int(row.int(0)), epoch: row.optionalInt(1).map { Int($0) }, value: 0, wallTime: row.double(2))
        }
        guard let start = try first(atOrAfter: Int64.min),
              let end = try db.first("SELECT max(step) FROM metrics WHERE run_seq = ? AND key_id = ?", [.integer(seq), .integer(pick.0)], { $0.int(0) })
        else { return [] }
        var out = [start]
        let n = max(1, min(limit, pick.2) - 1), span = Double(end) - Double(start.step)
        for i in 1...n {
            // In Double, clamped: steps written through the MLflow API may be near Int64's ends.
            let t = (Double(start.step) + span * Double(i) / Double(n)).rounded(.up)
            guard t < 9.2e18 else { break }
            if let p = try first(atOrAfter: Int64(t)), p.step > (out.last?.step ?? Int.min) { out.append(p) }
        }
        return out
    }
}
