import Foundation

/// Metric points: one pass inserts them and gathers, per key, the summary merged into
/// `latest_metrics` and the min/max tiles of both levels merged into `metric_tiles` and
/// `metric_fine_tiles` (the read side's fast paths), so neither needs another pass over the batch.
extension RecordWriter {
    /// One key's summary of a batch, merged into `latest_metrics`.
    struct KeySummary {
        var lastStep = Int.min, lastEpoch: Int?, last = 0.0
        var min: Double?, minStep: Int?, max: Double?, maxStep: Int?
        var count = 0, nanCount = 0

        @inline(__always) mutating func add(_ p: MetricPoint) {
            count += 1
            if p.step >= lastStep { lastStep = p.step; last = p.value; lastEpoch = p.epoch }
            if p.value.isNaN { nanCount += 1; return }
            if let m = min, m <= p.value {} else { min = p.value; minStep = p.step }
            if let m = max, m >= p.value {} else { max = p.value; maxStep = p.step }
        }
    }

    /// Min/max of one key's points within one tile of a `MetricTiles.Level`.
    struct Tile {
        var keyID: Int64, tile: Int
        var count = 0, minStep: Int?, min = 0.0, maxStep: Int?, max = 0.0

        @inline(__always) mutating func add(_ p: MetricPoint) {
            count += 1
            if p.value.isNaN { return }
            if minStep == nil || p.value < min { min = p.value; minStep = p.step }
            if maxStep == nil || p.value > max { max = p.value; maxStep = p.step }
        }
    }

    /// What the insert pass gathered: per key (in first-seen order) its id and summary,
    /// every tile touched (per level, in `MetricTiles.levels` order), and the steps where a
    /// point replaced an earlier one.
    struct MetricTally {
        var keyIDs: [Int64] = [], summaries: [KeySummary] = []
        /// [0]: coarse tiles, [1]: fine ones (`MetricTiles.levels` order).
        var tiles: [[Tile]] = MetricTiles.levels.map { _ in [] }
        var rewritten: [(keyID: Int64, step: Int)] = []
    }

    /// Writes the points and merges their summaries and tiles; returns what was tallied.
    @discardableResult
    func writeMetrics(_ points: [MetricPoint], runSeq: Int64) throws -> MetricTally {
        guard !points.isEmpty else { return MetricTally() }
        let tally = try insertPoints(points, runSeq: runSeq)
        try mergeSummaries(tally, runSeq: runSeq)
        for (level, tiles) in zip(MetricTiles.levels, tally.tiles) { try mergeTiles(tiles, level: level, runSeq: runSeq) }
        try recomputeRewritten(tally.rewritten, runSeq: runSeq)
        return tally
    }

    /// Inserts every point (the hot loop) and tallies summaries and tiles on the way.
    func insertPoints(_ points: [MetricPoint], runSeq: Int64) throws -> MetricTally {
        // A plain INSERT (one b-tree seek; OR REPLACE costs a second one); the rare point
        // logged twice at the same step replaces the first through the UPDATE below.
        // PostgreSQL: one COPY of the whole batch (see `PGMetricBatch`).
        let postgres = db.isPostgres
        var pgBatch = PGMetricBatch()
        let insert = try db.cached("INSERT INTO metrics (run_seq, key_id, step, epoch, value, wall_time) VALUES (?, ?, ?, ?, ?, ?)")
        // Few keys a batch: a linear scan over a small array beats hashing per point.
        let coarse = MetricTiles.coarse, fine = MetricTiles.fine
        var names: [String] = [], tally = MetricTally(), open: [Tile] = [], openFine: [Tile] = []
        var lastKey: String?, lastID: Int64 = -1, slot = -1
        for p in points {
            if p.key != lastKey {
                if let i = names.firstIndex(of: p.key) { slot = i } else {
                    names.append(p.key); tally.keyIDs.append(try keyID(p.key)); tally.summaries.append(KeySummary()); slot = names.count - 1
                    open.append(Tile(keyID: tally.keyIDs[slot], tile: coarse.tile(p.step)))
                    openFine.append(Tile(keyID: tally.keyIDs[slot], tile: fine.tile(p.step)))
                }
                lastID = tally.keyIDs[slot]; lastKey = p.key
            }
            let tile = coarse.tile(p.step), fineTile = fine.tile(p.step)
            if open[slot].tile != tile {
                if open[slot].count > 0 { tally.tiles[0].append(open[slot]) }
                open[slot] = Tile(keyID: lastID, tile: tile)
            }
            open[slot].add(p)
            if openFine[slot].tile != fineTile {
                if openFine[slot].count > 0 { tally.tiles[1].append(openFine[slot]) }
                openFine[slot] = Tile(keyID: lastID, tile: fineTile)
            }
            openFine[slot].add(p)
            if postgres {
                pgBatch.add(lastID, p, slot: slot)
                tally.summaries[slot].add(p)
                continue
            }
            insert.resetKeepingBindings()
            insert.bindInt(runSeq, at: 1)
            insert.bindInt(lastID, at: 2)
            insert.bindInt(Int64(p.step), at: 3)
            if let e = p.epoch { insert.bindInt(Int64(e), at: 4) } else { insert.bindNull(at: 4) }
            if p.value.isNaN { insert.bindNull(at: 5) } else { insert.bindDouble(p.value, at: 5) }
            insert.bindDouble(p.wallTime, at: 6)
            do {
                try insert.step()
            } catch let e as SQLiteError where e.isConstraint {
                insert.resetKeepingBindings()
                try db.run("UPDATE metrics SET epoch = ?, value = ?, wall_time = ? WHERE run_seq = ? AND key_id = ? AND step = ?",
                           [.optional(p.epoch), p.value.isNaN ? .null : .real(p.value), .real(p.wallTime), .integer(runSeq), .integer(lastID), .int(p.step)])
                tally.rewritten.append((lastID, p.step))
            }
            tally.summaries[slot].add(p)
        }
        insert.reset()
        if postgres { try pgBatch.write(db, runSeq: runSeq, copy: postgresBulk, into: &tally) }
        tally.tiles[0] += open.filter { $0.count > 0 }
        tally.tiles[1] += openFine.filter { $0.count > 0 }
        return tally
    }

    /// Merges each key's batch summary into `latest_metrics` (last, min, max, counts).
    func mergeSummaries(_ tally: MetricTally, runSeq: Int64) throws {
        if db.isPostgres && postgresBulk { return try PGMetricBatch.mergeSummaries(tally, db: db, runSeq: runSeq) }
        let upsert = try db.cached("""
            INSERT INTO latest_metrics (run_seq, key_id, last_step, last_epoch, last_value, min_value, min_step, max_value, max_step, count, nan_count)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            \(RecordWriter.summaryConflict)
            """)
        for (keyID, s) in zip(tally.keyIDs, tally.summaries) {
            try upsert.run([
                .integer(runSeq), .integer(keyID), .int(s.lastStep), .optional(s.lastEpoch),
                s.last.isNaN ? .null : .real(s.last), .optional(s.min), .optional(s.minStep),
                .optional(s.max), .optional(s.maxStep), .int(s.count), .int(s.nanCount),
            ])
        }
    }

    /// How a batch's summary of a key merges into the stored one (last, min, max, counts).
    static let summaryConflict = """
            ON CONFLICT (run_seq, key_id) DO UPDATE SET
                last_value = CASE WHEN excluded.last_step >= latest_metrics.last_step THEN excluded.last_value ELSE latest_metrics.last_value END,
                last_epoch = CASE WHEN excluded.last_step >= latest_metrics.last_step THEN excluded.last_epoch ELSE latest_metrics.last_epoch END,
                last_step  = CASE WHEN excluded.last_step > latest_metrics.last_step THEN excluded.last_step ELSE latest_metrics.last_step END,
                min_step   = CASE WHEN excluded.min_value IS NOT NULL AND (latest_metrics.min_value IS NULL OR excluded.min_value < latest_metrics.min_value) THEN excluded.min_step ELSE latest_metrics.min_step END,
                min_value  = CASE WHEN excluded.min_value IS NOT NULL AND (latest_metrics.min_value IS NULL OR excluded.min_value < latest_metrics.min_value) THEN excluded.min_value ELSE latest_metrics.min_value END,
                max_step   = CASE WHEN excluded.max_value IS NOT NULL AND (latest_metrics.max_value IS NULL OR excluded.max_value > latest_metrics.max_value) THEN excluded.max_step ELSE latest_metrics.max_step END,
                max_value  = CASE WHEN excluded.max_value IS NOT NULL AND (latest_metrics.max_value IS NULL OR excluded.max_value > latest_metrics.max_value) THEN excluded.max_value ELSE latest_metrics.max_value END,
                count      = latest_metrics.count + excluded.count,
                nan_count  = latest_metrics.nan_count + excluded.nan_count
            """

    /// Merges the touched tiles of one level into its table (count and extremes per tile).
    func mergeTiles(_ tiles: [Tile], level: MetricTiles.Level, runSeq: Int64) throws {
        if db.isPostgres && postgresBulk { return try PGMetricBatch.mergeTiles(tiles, level: level, db: db, runSeq: runSeq) }
        let merge = try db.cached("""
            INSERT INTO \(level.table) (run_seq, key_id, tile, count, min_step, min_value, max_step, max_value)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            \(RecordWriter.tileConflict(level))
            """)
        for t in tiles {
            try merge.run([
                .integer(runSeq), .integer(t.keyID), .int(t.tile), .int(t.count),
                .optional(t.minStep), t.minStep == nil ? .null : .real(t.min), .optional(t.maxStep), t.maxStep == nil ? .null : .real(t.max),
            ])
        }
    }

    /// How a batch's tile merges into the stored one of its level (count and extremes).
    static func tileConflict(_ level: MetricTiles.Level) -> String {
        """
        ON CONFLICT (run_seq, key_id, tile) DO UPDATE SET
            count     = \(level.table).count + excluded.count,
            min_step  = CASE WHEN excluded.min_value IS NOT NULL AND (\(level.table).min_value IS NULL OR excluded.min_value < \(level.table).min_value) THEN excluded.min_step ELSE \(level.table).min_step END,
            min_value = CASE WHEN excluded.min_value IS NOT NULL AND (\(level.table).min_value IS NULL OR excluded.min_value < \(level.table).min_value) THEN excluded.min_value ELSE \(level.table).min_value END,
            max_step  = CASE WHEN excluded.max_value IS NOT NULL AND (\(level.table).max_value IS NULL OR excluded.max_value > \(level.table).max_value) THEN excluded.max_step ELSE \(level.table).max_step END,
            max_value = CASE WHEN excluded.max_value IS NOT NULL AND (\(level.table).max_value IS NULL OR excluded.max_value > \(level.table).max_value) THEN excluded.max_value ELSE \(level.table).max_value END
        """
    }

    /// A point logged again replaced an old value (rare): its tiles (every level) and its
    /// key's summary (count, extremes) are recomputed from the stored series.
    func recomputeRewritten(_ rewritten: [(keyID: Int64, step: Int)], runSeq: Int64) throws {
        var done = Set<String>(), keys = Set<Int64>()
        for r in rewritten where done.insert("\(r.keyID)/\(MetricTiles.fine.tile(r.step))").inserted {
            try MetricTiles.recompute(db: db, runSeq: runSeq, keyID: r.keyID, step: r.step)
            if keys.insert(r.keyID).inserted { try Store.recomputeSummaries(db: db, runSeq: runSeq, keyID: r.keyID) }
        }
    }
}
