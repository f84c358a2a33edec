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

    /// A run's clock: the steps, epochs and wall times of its sparsest series (the one with
    /// the fewest points, at least two when any has two — per-epoch metrics, typically),
    /// every `stride`-th point so at most about `limit` come back. Charts map a step to an
    /// epoch or a wall time by interpolating between these points.
    public func stepClock(run: some RunIdentifier, limit: Int) throws -> [MetricPoint] {
        let seq = try run.runRef(in: self).seq
        let counts = try db.query("""
            SELECT k.name, l.count FROM latest_metrics l JOIN keys k ON k.id = l.key_id WHERE l.run_seq = ? ORDER BY l.count, k.name
            """, [.integer(seq)]) { ($0.text(0), Int($0.int(1))) }
        guard let pick = counts.first(where: { $0.1 >= 2 }) ?? counts.first else { return [] }
        let stride = max(1, pick.1 / max(1, limit))
        return try db.query("""
            SELECT step, epoch, wall_time FROM metrics WHERE run_seq = ? AND key_id = (SELECT id FROM keys WHERE name = ?)
            ORDER BY step
            """, [.integer(seq), .text(pick.0)]) {
            MetricPoint(key: pick.0, step: Int($0.int(0)), epoch: $0.optionalInt(1).map { Int($0) }, value: 0, wallTime: $0.double(2))
        }.enumerated().filter { $0.offset % stride == 0 || $0.offset == pick.1 - 1 }.map(\.element)
    }
}
