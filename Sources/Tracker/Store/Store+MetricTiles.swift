/// Reading the min/max tiles `MetricTiles` keeps, for charts of long series.
extension Store {
    /// Below this many points a series is read point by point (a few milliseconds).
    static let tiledSeriesMinPoints = 50_000
    /// Tiles are used only when there are at least this many (enough resolution for a chart).
    static let tiledSeriesMinTiles = 500

    /// A long series as the minimum and maximum of each tile of 1024 steps, in step order,
    /// with the number of stored points — or nil when the series is short, has too few
    /// tiles for a chart, or was recorded (in part) before tiles existed.
    ///
    /// A million-point series comes back as about 2,000 points in a few milliseconds, and
    /// every spike survives (it is its tile's maximum).
    public func tiledMetricPoints(run: some RunIdentifier, key: String) throws -> (total: Int, points: [ChartSeries.Point])? {
        let seq = try run.runRef(in: self).seq
        guard let total = try latestCount(seq: seq, key: key), total >= Store.tiledSeriesMinPoints,
              // A read-only viewer of a file from before migration 2 has no tiles table.
              try db.tableExists("metric_tiles"),
              let keyID = try db.first("SELECT id FROM keys WHERE name = ?", [.text(key)], { $0.int(0) }) else { return nil }
        let args: [SQLValue] = [.integer(seq), .integer(keyID)]
        guard let (tiles, covered) = try db.first("SELECT count(*), coalesce(sum(count), 0) FROM metric_tiles WHERE run_seq = ? AND key_id = ?", args, {
            (Int($0.int(0)), Int($0.int(1)))
        }), tiles >= Store.tiledSeriesMinTiles, covered == total else { return nil }
        var points: [ChartSeries.Point] = []
        points.reserveCapacity(2 * tiles)
        let stmt = try db.cached("SELECT min_step, min_value, max_step, max_value FROM metric_tiles WHERE run_seq = ? AND key_id = ? ORDER BY tile")
        try stmt.bind(args)
        defer { stmt.reset() }
        let row = Row(statement: stmt)
        while try stmt.step() {
            guard !row.isNull(0), !row.isNull(2) else { continue }  // every point NaN: a gap
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
        return (total, points)
    }
}
