/// Min/max summaries of metric series in tiles of a power-of-two number of steps, at two
/// levels: 1024 steps (table `metric_tiles`, migration 2) and 64 steps
/// (`metric_fine_tiles`, migration 6).
///
/// The recorder merges each batch's tiles of both levels in the batch's transaction; a step
/// written twice and a resume that drops points recompute the tiles they touch from the
/// series, so the tiles always equal an aggregate of the stored points. Charts of long
/// series read them instead of every point: the coarse level for a million steps, the fine
/// one for 50k–512k (where the coarse level has too few tiles for a chart).
enum MetricTiles {
    /// One level of tiles: its table and the steps a tile covers (`1 << shift`).
    struct Level: Sendable, Equatable, CustomStringConvertible {
        /// A table name from this file, never user input (it is spliced into SQL).
        let table: String
        let shift: Int

        var size: Int { 1 << shift }
        @inline(__always) func tile(_ step: Int) -> Int { step >> shift }
        var description: String { "\(table) (\(size) steps a tile)" }
    }

    static let coarse = Level(table: "metric_tiles", shift: 10)
    static let fine = Level(table: "metric_fine_tiles", shift: 6)
    /// Every level, coarsest first (the order a reader tries them in).
    static let levels = [coarse, fine]

    /// Rebuilds one tile of one key from the stored points (removes it when they are gone).
    static func recompute(db: Connection, level: Level, runSeq: Int64, keyID: Int64, tile: Int) throws {
        let lo = tile << level.shift, hi = lo | (level.size - 1)
        let args: [SQLValue] = [.integer(runSeq), .integer(keyID), .int(tile), .int(lo), .int(hi)]
        try db.run("DELETE FROM \(level.table) WHERE run_seq = ?1 AND key_id = ?2 AND tile = ?3", Array(args.prefix(3)))
        try db.run("""
            INSERT INTO \(level.table) (run_seq, key_id, tile, count, min_step, min_value, max_step, max_value)
            SELECT ?1, ?2, ?3, count(*),
                   (SELECT step FROM metrics WHERE run_seq = ?1 AND key_id = ?2 AND step BETWEEN ?4 AND ?5 AND value IS NOT NULL ORDER BY value ASC, step ASC LIMIT 1),
                   min(value),
                   (SELECT step FROM metrics WHERE run_seq = ?1 AND key_id = ?2 AND step BETWEEN ?4 AND ?5 AND value IS NOT NULL ORDER BY value DESC, step ASC LIMIT 1),
                   max(value)
            FROM metrics WHERE run_seq = ?1 AND key_id = ?2 AND step BETWEEN ?4 AND ?5
            GROUP BY run_seq
            """, args)
    }

    /// Rebuilds, at every level, the tile holding `step` of one key.
    static func recompute(db: Connection, runSeq: Int64, keyID: Int64, step: Int) throws {
        for level in levels { try recompute(db: db, level: level, runSeq: runSeq, keyID: keyID, tile: level.tile(step)) }
    }

    /// After a resume dropped every point past `afterStep`: drops the tiles past it and
    /// recomputes the one it falls in, for every key of the run, at every level.
    static func truncate(db: Connection, runSeq: Int64, afterStep: Int) throws {
        for level in levels {
            let last = level.tile(afterStep)
            let keys = try db.query("SELECT DISTINCT key_id FROM \(level.table) WHERE run_seq = ? AND tile >= ?", [.integer(runSeq), .int(last)]) { $0.int(0) }
            try db.run("DELETE FROM \(level.table) WHERE run_seq = ? AND tile > ?", [.integer(runSeq), .int(last)])
            for k in keys { try recompute(db: db, level: level, runSeq: runSeq, keyID: k, tile: last) }
        }
    }
}
