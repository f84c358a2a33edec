/// Min/max summaries of metric series in tiles of `size` steps (table `metric_tiles`).
///
/// The recorder merges each batch's tiles in the batch's transaction; a step written twice
/// and a resume that drops points recompute the tiles they touch from the series, so the
/// tiles always equal an aggregate of the stored points. Charts of long series read them
/// instead of every point.
enum MetricTiles {
    /// Steps a tile covers (a power of two: the tile of a step is `step >> shift`).
    static let shift = 10
    static let size = 1 << shift

    @inline(__always) static func tile(_ step: Int) -> Int { step >> shift }

    /// Rebuilds one tile of one key from the stored points (removes it when they are gone).
    static func recompute(db: Connection, runSeq: Int64, keyID: Int64, tile: Int) throws {
        let lo = tile << shift, hi = lo | (size - 1)
        let args: [SQLValue] = [.integer(runSeq), .integer(keyID), .int(tile), .int(lo), .int(hi)]
        try db.run("DELETE FROM metric_tiles WHERE run_seq = ?1 AND key_id = ?2 AND tile = ?3", Array(args.prefix(3)))
        try db.run("""
            INSERT INTO metric_tiles (run_seq, key_id, tile, count, min_step, min_value, max_step, max_value)
            SELECT ?1, ?2, ?3, count(*),
                   (SELECT step FROM metrics WHERE run_seq = ?1 AND key_id = ?2 AND step BETWEEN ?4 AND ?5 AND value IS NOT NULL ORDER BY value ASC, step ASC LIMIT 1),
                   min(value),
                   (SELECT step FROM metrics WHERE run_seq = ?1 AND key_id = ?2 AND step BETWEEN ?4 AND ?5 AND value IS NOT NULL ORDER BY value DESC, step ASC LIMIT 1),
                   max(value)
            FROM metrics WHERE run_seq = ?1 AND key_id = ?2 AND step BETWEEN ?4 AND ?5
            GROUP BY run_seq
            """, args)
    }

    /// After a resume dropped every point past `afterStep`: drops the tiles past it and
    /// recomputes the one it falls in, for every key of the run.
    static func truncate(db: Connection, runSeq: Int64, afterStep: Int) throws {
        let last = tile(afterStep)
        let keys = try db.query("SELECT DISTINCT key_id FROM metric_tiles WHERE run_seq = ? AND tile >= ?", [.integer(runSeq), .int(last)]) { $0.int(0) }
        try db.run("DELETE FROM metric_tiles WHERE run_seq = ? AND tile > ?", [.integer(runSeq), .int(last)])
        for k in keys { try recompute(db: db, runSeq: runSeq, keyID: k, tile: last) }
    }
}
