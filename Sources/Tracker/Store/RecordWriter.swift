import Foundation

/// Writes record batches, checkpoints and run updates through one connection.
///
/// Used by the recorder's background queue (and directly by benchmarks and tests).
/// Keys are interned once and cached.
final class RecordWriter {
    let db: Connection
    private var keyIDs: [String: Int64] = [:]
    /// PostgreSQL: metric points by one COPY a batch and summaries and tiles by one upsert a
    /// table (`PGMetricBatch`); false: a multi-row INSERT a chunk and an upsert a key and a tile,
    /// the statement-by-statement path the tests compare the bulk one with.
    var postgresBulk = true

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

    /// Interns every name `batch` uses that is not cached yet. On PostgreSQL, where each
    /// statement is a round trip, in two statements (one multi-row insert, one `IN` lookup a
    /// chunk) rather than two a name; on SQLite `keyID` interns them one by one as they come.
    func internKeys(of batch: RecordBatch) throws {
        guard db.isPostgres else { return }
        var new = Set<String>()
        func note(_ name: String) { if keyIDs[name] == nil { new.insert(name) } }
        for m in batch.metrics { note(m.key) }
        for g in batch.gradStats { note(g.tensor) }
        for s in batch.layerStats { note(s.layer); note(s.stat) }
        for b in batch.bnStats { note(b.layer) }
        for h in batch.histograms { note(h.tensor) }
        guard !new.isEmpty else { return }
        let names = new.sorted()
        try db.insertRows("INSERT INTO keys (name) VALUES ", width: 1, tail: "ON CONFLICT DO NOTHING", rows: names.map { [.text($0)] })
        for start in stride(from: 0, to: names.count, by: 500) {
            let chunk = names[start..<min(start + 500, names.count)]
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            for (id, name) in try db.prepare("SELECT id, name FROM keys WHERE name IN (\(marks))").rows(chunk.map { .text($0) }, { ($0.int(0), $0.text(1)) }) {
                keyIDs[name] = id
            }
        }
    }

    /// Writes one batch in one transaction.
    func write(_ batch: RecordBatch, runSeq: Int64) throws {
        guard !batch.isEmpty else { return }
        try db.transaction(.immediate) { try writeContents(batch, runSeq: runSeq) }
    }

    /// Writes a batch inside the caller's transaction.
    func writeContents(_ batch: RecordBatch, runSeq: Int64) throws {
        try internKeys(of: batch)
        try writeMetrics(batch.metrics, runSeq: runSeq)
        try writeGradStats(batch.gradStats, runSeq: runSeq)
        try writeLayerStats(batch.layerStats, runSeq: runSeq)
        try writeBNStats(batch.bnStats, runSeq: runSeq)
        try writeHistograms(batch.histograms, runSeq: runSeq)
        try writeEvents(batch.events, runSeq: runSeq)
    }

    private func real(_ v: Double?) -> SQLValue {
        guard let v, !v.isNaN else { return .null }
        return .real(v)
    }

    func writeGradStats(_ stats: [GradStat], runSeq: Int64) throws {
        guard !stats.isEmpty else { return }
        var rows: [(key: [Int64], values: [SQLValue])] = []
        rows.reserveCapacity(stats.count)
        for g in stats {
            let tensor = try keyID(g.tensor)
            rows.append(([tensor, Int64(g.step)], [.integer(runSeq), .integer(tensor), .int(g.step), .optional(g.epoch),
                                                   real(g.l2), real(g.mean), real(g.std), real(g.maxAbs), real(g.zeroFraction), real(g.updateRatio)]))
        }
        try upsertRows("grad_stats", "run_seq, tensor_id, step, epoch, l2, mean, std, max_abs, zero_frac, update_ratio",
                       width: 10, conflict: "ON CONFLICT (run_seq, tensor_id, step) DO UPDATE SET epoch = excluded.epoch, l2 = excluded.l2, mean = excluded.mean, std = excluded.std, max_abs = excluded.max_abs, zero_frac = excluded.zero_frac, update_ratio = excluded.update_ratio",
                       rows: rows)
    }

    func writeLayerStats(_ stats: [LayerStat], runSeq: Int64) throws {
        guard !stats.isEmpty else { return }
        var rows: [(key: [Int64], values: [SQLValue])] = []
        rows.reserveCapacity(stats.count)
        for s in stats {
            let layer = try keyID(s.layer), stat = try keyID(s.stat)
            rows.append(([layer, stat, Int64(s.step)], [.integer(runSeq), .integer(layer), .integer(stat), .int(s.step), .optional(s.epoch), real(s.value)]))
        }
        try upsertRows("layer_stats", "run_seq, layer_id, stat_id, step, epoch, value",
                       width: 6, conflict: "ON CONFLICT (run_seq, layer_id, stat_id, step) DO UPDATE SET epoch = excluded.epoch, value = excluded.value",
                       rows: rows)
    }

    /// Upserts statistics rows into `table`'s `columns` through `Connection.insertRows`. A
    /// multi-row upsert may not touch a row twice, so a key repeated within the rows keeps only
    /// its last occurrence, which is what one-by-one upserts leave behind (on SQLite every row
    /// is written in order). On PostgreSQL rows that are all new (a fresh run's, not a resumed
    /// one's replay) go in by one binary COPY, a fraction of the server's work for the upsert.
    func upsertRows(_ table: String, _ columns: String, width: Int, conflict: String, rows: [(key: [Int64], values: [SQLValue])]) throws {
        guard let pg = db.pg else {
            return try db.insertRows("INSERT INTO \(table) (\(columns)) VALUES ", width: width, tail: conflict, rows: rows.map(\.values))
        }
        var last: [[Int64]: Int] = [:]
        for (i, r) in rows.enumerated() { last[r.key] = i }
        let kept = rows.indices.filter { last[rows[$0].key] == $0 }.map { rows[$0].values }
        if postgresBulk, try pg.copyNew("COPY \(table) (\(columns)) FROM STDIN (FORMAT binary)", produce: { send in
            var copy = PGBinaryCopy(reservingRows: kept.count, bytesPerRow: 2 + 12 * width)
            for row in kept {
                copy.row(fields: Int16(clamping: row.count))
                for v in row { copy.value(v) }
            }
            send(copy.finish())
        }) { return }
        try db.insertRows("INSERT INTO \(table) (\(columns)) VALUES ", width: width, tail: conflict, rows: kept)
    }

    func writeBNStats(_ stats: [BNStat], runSeq: Int64) throws {
        guard !stats.isEmpty else { return }
        let stmt = try db.cached("INSERT INTO bn_stats (run_seq, layer_id, step, epoch, running_mean, running_var, mean_avg, mean_abs_max, var_avg, var_min, var_max) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_seq, layer_id, step) DO UPDATE SET epoch = excluded.epoch, running_mean = excluded.running_mean, running_var = excluded.running_var, mean_avg = excluded.mean_avg, mean_abs_max = excluded.mean_abs_max, var_avg = excluded.var_avg, var_min = excluded.var_min, var_max = excluded.var_max")
        for b in stats {
            try stmt.run([.integer(runSeq), .integer(try keyID(b.layer)), .int(b.step), .optional(b.epoch),
                          .blob(FloatBlob.encode(b.runningMean)), .blob(FloatBlob.encode(b.runningVar)),
                          real(b.meanAverage), real(b.meanAbsMax), real(b.varAverage), real(b.varMin), real(b.varMax)])
        }
    }

    func writeHistograms(_ hists: [HistogramRecord], runSeq: Int64) throws {
        guard !hists.isEmpty else { return }
        let stmt = try db.cached("INSERT INTO histograms (run_seq, tensor_id, step, epoch, lo, hi, counts) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_seq, tensor_id, step) DO UPDATE SET epoch = excluded.epoch, lo = excluded.lo, hi = excluded.hi, counts = excluded.counts")
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

extension FloatBlob {
    /// Float64 values as little-endian bytes (landscape grids keep the loss's Double).
    public static func encode(_ v: [Double]) -> [UInt8] {
        var out = [UInt8](); out.reserveCapacity(v.count * 8)
        for d in v { withUnsafeBytes(of: d.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        return out
    }

    /// The float64 values of little-endian bytes (a trailing partial value is dropped).
    public static func doubles(_ b: [UInt8]) -> [Double] {
        stride(from: 0, to: b.count - b.count % 8, by: 8).map { start in
            var bits: UInt64 = 0
            for k in 0..<8 { bits |= UInt64(b[start + k]) << (8 * UInt64(k)) }
            return Double(bitPattern: bits)
        }
    }
}
