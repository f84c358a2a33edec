import Foundation

/// Writes record batches, checkpoints and run updates through one connection.
///
/// Used by the recorder's background queue (and directly by benchmarks and tests).
/// Keys are interned once and cached.
final class RecordWriter {
    let db: Connection
    private var keyIDs: [String: Int64] = [:]

    init(db: Connection) { self.db = db }

    /// The id of an interned name, inserting it when new.
    func keyID(_ name: String) throws -> Int64 {
        if let id = keyIDs[name] { return id }
        try db.run("INSERT OR IGNORE INTO keys (name) VALUES (?)", [.text(name)])
        guard let id = try db.first("SELECT id FROM keys WHERE name = ?", [.text(name)], { $0.int(0) }) else {
            throw TrackerError.storage("could not intern the key '\(name)'")
        }
        keyIDs[name] = id
        return id
    }

    /// Writes one batch in one transaction.
    func write(_ batch: RecordBatch, runSeq: Int64) throws {
        guard !batch.isEmpty else { return }
        try db.transaction(.immediate) { try writeContents(batch, runSeq: runSeq) }
    }

    /// Writes a batch inside the caller's transaction.
    func writeContents(_ batch: RecordBatch, runSeq: Int64) throws {
        try writeMetrics(batch.metrics, runSeq: runSeq)
        try writeGradStats(batch.gradStats, runSeq: runSeq)
        try writeLayerStats(batch.layerStats, runSeq: runSeq)
        try writeBNStats(batch.bnStats, runSeq: runSeq)
        try writeHistograms(batch.histograms, runSeq: runSeq)
        try writeEvents(batch.events, runSeq: runSeq)
    }

    private struct Summary {
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

    /// Min/max of one key's points within one tile of `MetricTiles.size` steps.
    private struct Tile {
        var keyID: Int64, tile: Int
        var count = 0, minStep: Int?, min = 0.0, maxStep: Int?, max = 0.0

        @inline(__always) mutating func add(_ p: MetricPoint) {
            count += 1
            if p.value.isNaN { return }
            if minStep == nil || p.value < min { min = p.value; minStep = p.step }
            if maxStep == nil || p.value > max { max = p.value; maxStep = p.step }
        }
    }

    func writeMetrics(_ points: [MetricPoint], runSeq: Int64) throws {
        guard !points.isEmpty else { return }
        // A plain INSERT (one b-tree seek; OR REPLACE costs a second one); the rare point
        // logged twice at the same step replaces the first through the UPDATE below.
        let insert = try db.cached("INSERT INTO metrics (run_seq, key_id, step, epoch, value, wall_time) VALUES (?, ?, ?, ?, ?, ?)")
        // Few keys a batch: a linear scan over a small array beats hashing per point.
        var names: [String] = [], ids: [Int64] = [], summaries: [Summary] = []
        var open: [Tile] = [], tiles: [Tile] = [], rewritten: [(keyID: Int64, tile: Int)] = []
        var lastKey: String?, lastID: Int64 = -1, slot = -1
        for p in points {
            if p.key != lastKey {
                if let i = names.firstIndex(of: p.key) { slot = i } else {
                    names.append(p.key); ids.append(try keyID(p.key)); summaries.append(Summary()); slot = names.count - 1
                    open.append(Tile(keyID: ids[slot], tile: MetricTiles.tile(p.step)))
                }
                lastID = ids[slot]; lastKey = p.key
            }
            let tile = MetricTiles.tile(p.step)
            if open[slot].tile != tile {
                if open[slot].count > 0 { tiles.append(open[slot]) }
                open[slot] = Tile(keyID: lastID, tile: tile)
            }
            open[slot].add(p)
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
                rewritten.append((lastID, tile))
            }
            summaries[slot].add(p)
        }
        insert.reset()
        let upsert = try db.cached("""
            INSERT INTO latest_metrics (run_seq, key_id, last_step, last_epoch, last_value, min_value, min_step, max_value, max_step, count, nan_count)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (run_seq, key_id) DO UPDATE SET
                last_value = CASE WHEN excluded.last_step >= last_step THEN excluded.last_value ELSE last_value END,
                last_epoch = CASE WHEN excluded.last_step >= last_step THEN excluded.last_epoch ELSE last_epoch END,
                last_step  = max(last_step, excluded.last_step),
                min_step   = CASE WHEN excluded.min_value IS NOT NULL AND (min_value IS NULL OR excluded.min_value < min_value) THEN excluded.min_step ELSE min_step END,
                min_value  = CASE WHEN excluded.min_value IS NOT NULL AND (min_value IS NULL OR excluded.min_value < min_value) THEN excluded.min_value ELSE min_value END,
                max_step   = CASE WHEN excluded.max_value IS NOT NULL AND (max_value IS NULL OR excluded.max_value > max_value) THEN excluded.max_step ELSE max_step END,
                max_value  = CASE WHEN excluded.max_value IS NOT NULL AND (max_value IS NULL OR excluded.max_value > max_value) THEN excluded.max_value ELSE max_value END,
                count      = count + excluded.count,
                nan_count  = nan_count + excluded.nan_count
            """)
        for (keyID, s) in zip(ids, summaries) {
            try upsert.run([
                .integer(runSeq), .integer(keyID), .int(s.lastStep), .optional(s.lastEpoch),
                s.last.isNaN ? .null : .real(s.last), .optional(s.min), .optional(s.minStep),
                .optional(s.max), .optional(s.maxStep), .int(s.count), .int(s.nanCount),
            ])
        }
        tiles += open.filter { $0.count > 0 }
        let merge = try db.cached("""
            INSERT INTO metric_tiles (run_seq, key_id, tile, count, min_step, min_value, max_step, max_value)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (run_seq, key_id, tile) DO UPDATE SET
                count     = count + excluded.count,
                min_step  = CASE WHEN excluded.min_value IS NOT NULL AND (min_value IS NULL OR excluded.min_value < min_value) THEN excluded.min_step ELSE min_step END,
                min_value = CASE WHEN excluded.min_value IS NOT NULL AND (min_value IS NULL OR excluded.min_value < min_value) THEN excluded.min_value ELSE min_value END,
                max_step  = CASE WHEN excluded.max_value IS NOT NULL AND (max_value IS NULL OR excluded.max_value > max_value) THEN excluded.max_step ELSE max_step END,
                max_value = CASE WHEN excluded.max_value IS NOT NULL AND (max_value IS NULL OR excluded.max_value > max_value) THEN excluded.max_value ELSE max_value END
            """)
        for t in tiles {
            try merge.run([
                .integer(runSeq), .integer(t.keyID), .int(t.tile), .int(t.count),
                .optional(t.minStep), t.minStep == nil ? .null : .real(t.min), .optional(t.maxStep), t.maxStep == nil ? .null : .real(t.max),
            ])
        }
        // A point logged again replaced an old value (rare): its tile and its key's summary
        // (count, extremes) are recomputed from the stored series.
        var done = Set<String>(), keys = Set<Int64>()
        for r in rewritten where done.insert("\(r.keyID)/\(r.tile)").inserted {
            try MetricTiles.recompute(db: db, runSeq: runSeq, keyID: r.keyID, tile: r.tile)
            if keys.insert(r.keyID).inserted { try Store.recomputeSummaries(db: db, runSeq: runSeq, keyID: r.keyID) }
        }
    }

    private func real(_ v: Double?) -> SQLValue {
        guard let v, !v.isNaN else { return .null }
        return .real(v)
    }

    func writeGradStats(_ stats: [GradStat], runSeq: Int64) throws {
        guard !stats.isEmpty else { return }
        let stmt = try db.cached("INSERT OR REPLACE INTO grad_stats (run_seq, tensor_id, step, epoch, l2, mean, std, max_abs, zero_frac, update_ratio) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        for g in stats {
            try stmt.run([.integer(runSeq), .integer(try keyID(g.tensor)), .int(g.step), .optional(g.epoch),
                          real(g.l2), real(g.mean), real(g.std), real(g.maxAbs), real(g.zeroFraction), real(g.updateRatio)])
        }
    }

    func writeLayerStats(_ stats: [LayerStat], runSeq: Int64) throws {
        guard !stats.isEmpty else { return }
        let stmt = try db.cached("INSERT OR REPLACE INTO layer_stats (run_seq, layer_id, stat_id, step, epoch, value) VALUES (?, ?, ?, ?, ?, ?)")
        for s in stats {
            try stmt.run([.integer(runSeq), .integer(try keyID(s.layer)), .integer(try keyID(s.stat)), .int(s.step), .optional(s.epoch), real(s.value)])
        }
    }

    func writeBNStats(_ stats: [BNStat], runSeq: Int64) throws {
        guard !stats.isEmpty else { return }
        let stmt = try db.cached("INSERT OR REPLACE INTO bn_stats (run_seq, layer_id, step, epoch, running_mean, running_var, mean_avg, mean_abs_max, var_avg, var_min, var_max) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        for b in stats {
            try stmt.run([.integer(runSeq), .integer(try keyID(b.layer)), .int(b.step), .optional(b.epoch),
                          .blob(FloatBlob.encode(b.runningMean)), .blob(FloatBlob.encode(b.runningVar)),
                          real(b.meanAverage), real(b.meanAbsMax), real(b.varAverage), real(b.varMin), real(b.varMax)])
        }
    }

    func writeHistograms(_ hists: [Histogram], runSeq: Int64) throws {
        guard !hists.isEmpty else { return }
        let stmt = try db.cached("INSERT OR REPLACE INTO histograms (run_seq, tensor_id, step, epoch, lo, hi, counts) VALUES (?, ?, ?, ?, ?, ?, ?)")
        for h in hists {
            try stmt.run([.integer(runSeq), .integer(try keyID(h.tensor)), .int(h.step), .optional(h.epoch),
                          .real(h.lo), .real(h.hi), .blob(FloatBlob.encode(h.counts))])
        }
    }

    func writeEvents(_ events: [Event], runSeq: Int64) throws {
        guard !events.isEmpty else { return }
        let stmt = try db.cached("INSERT INTO events (run_seq, step, epoch, kind, level, message, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        for e in events {
            try stmt.run([.integer(runSeq), .optional(e.step), .optional(e.epoch), .text(e.kind), .text(e.level.rawValue),
                          .text(e.message), .real(e.createdAt == 0 ? Date().timeIntervalSince1970 : e.createdAt)])
        }
    }
}

/// Little-endian packing of Float / Int32 vectors into blobs.
public enum FloatBlob {
    public static func encode(_ v: [Float]) -> [UInt8] {
        var out = [UInt8](); out.reserveCapacity(v.count * 4)
        for f in v { withUnsafeBytes(of: f.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        return out
    }

    public static func encode(_ v: [Int32]) -> [UInt8] {
        var out = [UInt8](); out.reserveCapacity(v.count * 4)
        for f in v { withUnsafeBytes(of: f.littleEndian) { out.append(contentsOf: $0) } }
        return out
    }

    static func words(_ b: [UInt8]) -> [UInt32] {
        stride(from: 0, to: b.count - b.count % 4, by: 4).map {
            UInt32(b[$0]) | UInt32(b[$0 + 1]) << 8 | UInt32(b[$0 + 2]) << 16 | UInt32(b[$0 + 3]) << 24
        }
    }

    public static func floats(_ b: [UInt8]) -> [Float] { words(b).map { Float(bitPattern: $0) } }
    public static func int32s(_ b: [UInt8]) -> [Int32] { words(b).map { Int32(bitPattern: $0) } }
}
