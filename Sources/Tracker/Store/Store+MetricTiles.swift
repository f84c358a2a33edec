/// Reading the min/max tiles `MetricTiles` keeps, for charts of long series.
extension Store {
    /// Below this many points a series is read point by point (a few milliseconds).
    static let tiledSeriesMinPoints = 50_000
    /// A level of tiles is used only when it has at least this many (enough resolution for a chart).
    static let tiledSeriesMinTiles = 500

    /// A long series as the minimum and maximum of each tile, in step order, with the number
    /// of stored points — or nil when the series is short, or no level of tiles both covers
    /// every point (a run recorded, in part, before that level existed) and has enough tiles
    /// for a chart. The coarsest such level is read: 1024-step tiles for a million steps,
    /// 64-step ones for 50k–512k.
    ///
    /// A million-point series comes back as about 2,000 points in a few milliseconds, and
    /// every spike survives (it is its tile's maximum).
    public func tiledMetricPoints(run: some RunIdentifier, key: String) throws -> (total: Int, points: [ChartSeries.Point])? {
        try tiledMetricPoints(run: run, key: key, levels: MetricTiles.levels, minTiles: Store.tiledSeriesMinTiles)
    }

    /// The tiled series from the first of `levels` that covers every point and has at least
    /// `minTiles` tiles (tests ask for one level with `minTiles` 0).
    func tiledMetricPoints(run: some RunIdentifier, key: String, levels: [MetricTiles.Level], minTiles: Int) throws
        -> (total: Int, points: [ChartSeries.Point])? {
        let seq = try run.runRef(in: self).seq
        guard let total = try latestCount(seq: seq, key: key), total >= Store.tiledSeriesMinPoints,
              let keyID = try db.first("SELECT id FROM keys WHERE name = ?", [.text(key)], { $0.int(0) }) else { return nil }
        let args: [SQLValue] = [.integer(seq), .integer(keyID)]
        for level in levels {
            // A read-only viewer of a file from before the level's migration has no such table.
            guard try db.tableExists(level.table),
                  let (tiles, covered) = try db.first("SELECT count(*), coalesce(sum(count), 0) FROM \(level.table) WHERE run_seq = ? AND key_id = ?", args, {
                      (Int($0.int(0)), Int($0.int(1)))
                  }), tiles >= minTiles, covered == total else { continue }
            return (total, try tilePoints(level, args: args, tiles: tiles))
        }
        return nil
    }

    /// A step range of a long series from the fine tiles wholly inside it, with the raw
    /// points of the partial tiles at its two ends — or nil when the fine tiles do not cover
    /// the series or fewer than `minTiles` lie inside the range (the points then give the
    /// detail a zoomed chart needs, and are few). A zoom onto half of a 100k-step series reads
    /// about 800 tiles instead of 50,000 points.
    public func tiledMetricPoints(run: some RunIdentifier, key: String, steps: ClosedRange<Int>, minTiles: Int) throws -> [ChartSeries.Point]? {
        let level = MetricTiles.fine, ref = try run.runRef(in: self), seq = ref.seq
        guard steps.lowerBound >= 0, steps.upperBound < Int.max >> 1 else { return nil }
        let first = (steps.lowerBound + level.size - 1) >> level.shift, last = ((steps.upperBound + 1) >> level.shift) - 1
        guard last - first + 1 >= max(1, minTiles),
              let total = try latestCount(seq: seq, key: key), total >= Store.tiledSeriesMinPoints,
              try db.tableExists(level.table),
              let keyID = try db.first("SELECT id FROM keys WHERE name = ?", [.text(key)], { $0.int(0) }) else { return nil }
        let args: [SQLValue] = [.integer(seq), .integer(keyID)]
        guard try db.first("SELECT coalesce(sum(count), 0) FROM \(level.table) WHERE run_seq = ? AND key_id = ?", args, { Int($0.int(0)) }) == total
        else { return nil }
        var out: [ChartSeries.Point] = []
        if steps.lowerBound < first << level.shift {
            out += try metricPoints(run: ref, key: key, steps: steps.lowerBound...((first << level.shift) - 1), limit: level.size)
        }
        out += try tilePoints(level, args: args, tiles: last - first + 1, range: first...last)
        if (last + 1) << level.shift <= steps.upperBound {
            out += try metricPoints(run: ref, key: key, steps: ((last + 1) << level.shift)...steps.upperBound, limit: level.size)
        }
        return out
    }

    /// Each tile's minimum and maximum point, in step order (one point when they coincide,
    /// none when every point of the tile is NaN: a gap).
    private func tilePoints(_ level: MetricTiles.Level, args: [SQLValue], tiles: Int, range: ClosedRange<Int>? = nil) throws -> [ChartSeries.Point] {
        var points: [ChartSeries.Point] = []
        points.reserveCapacity(2 * tiles)
        let stmt = try db.cached("""
            SELECT min_step, min_value, max_step, max_value FROM \(level.table) WHERE run_seq = ? AND key_id = ? AND tile BETWEEN ? AND ? ORDER BY tile
            """)
        try stmt.bind(args + [.int(range?.lowerBound ?? Int(Int64.min)), .int(range?.upperBound ?? Int(Int64.max))])
        defer { stmt.reset() }
        let row = Row(statement: stmt)
        while try stmt.step() {
            guard !row.isNull(0), !row.isNull(2) else { continue }
            let a = ChartSeries.Point(x: Double(row.int(0)), y: row.double(1))
            let b = ChartSeries.Point(x: Double(row.int(2)), y: row.double(3))
            if a.x == b.x {
                points.append(a)
            } else if a.x < b.x {
                points.append(a); points.append(b)
            } else {
                points.append(b); points.append(a)
            }
        }
        return points
    }
}
