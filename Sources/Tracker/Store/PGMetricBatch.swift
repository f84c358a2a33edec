/// The PostgreSQL side of `RecordWriter.insertPoints` and of its summary and tile merges: a
/// batch's points go into `metrics` by one binary COPY (in a savepoint), its key summaries
/// and tiles by one multi-row upsert per table (columns passed as arrays to `unnest`), so a
/// batch costs a handful of round trips whatever its size, where a statement per 1,000
/// points, per key and per tile cost one round trip each.
///
/// A point whose step is already stored, or logged twice within the batch, must replace the
/// stored value, in order, and be tallied in `rewritten`; COPY cannot do that. Such a batch
/// (seen before the COPY for steps repeated within it, or by the COPY's unique violation,
/// which the savepoint undoes) takes the multi-row `INSERT … ON CONFLICT DO NOTHING RETURNING`
/// path with an UPDATE for each replacing point, as the one-row path of SQLite does (a failed
/// statement would abort a PostgreSQL transaction).
struct PGMetricBatch {
    /// Points per multi-row INSERT of the replacing path.
    static let rows = 1_000
    static let copySQL = "COPY metrics (run_seq, key_id, step, epoch, value, wall_time) FROM STDIN (FORMAT binary)"

    private(set) var pending: [(keyID: Int64, point: MetricPoint)] = []
    /// Per key slot (`insertPoints`' first-seen order), the last step added.
    private var lastSteps: [Int] = []
    /// While every key's steps rise strictly, no step repeats within the batch.
    private var rising = true

    @inline(__always) mutating func add(_ keyID: Int64, _ point: MetricPoint, slot: Int) {
        while lastSteps.count <= slot { lastSteps.append(Int.min) }
        if point.step <= lastSteps[slot] { rising = false }
        lastSteps[slot] = point.step
        pending.append((keyID, point))
    }

    /// Writes the pending points (by COPY when `copy` and nothing is replaced); tallies in
    /// `tally.rewritten` each one that replaced a stored value.
    mutating func write(_ db: Connection, runSeq: Int64, copy: Bool, into tally: inout RecordWriter.MetricTally) throws {
        guard !pending.isEmpty else { return }
        defer {
            pending.removeAll(keepingCapacity: true)
            lastSteps.removeAll(keepingCapacity: true)
            rising = true
        }
        if copy, rising || !repeatsStep(), try copyIn(db, runSeq: runSeq) { return }
        var start = 0
        while start < pending.count {
            let end = min(pending.count, start + PGMetricBatch.rows)
            try insertReplacing(pending[start..<end], db: db, runSeq: runSeq, into: &tally)
            start = end
        }
    }

    /// Whether a key's step occurs twice among the pending points.
    private func repeatsStep() -> Bool {
        var seen = Set<PGMetricKey>(minimumCapacity: pending.count)
        for r in pending where !seen.insert(PGMetricKey(keyID: r.keyID, step: Int64(r.point.step))).inserted { return true }
        return false
    }

    /// COPYs the pending points into `metrics`; false, with nothing written, when one of their
    /// steps is already stored.
    private func copyIn(_ db: Connection, runSeq: Int64) throws -> Bool {
        guard let pg = db.pg else { throw TrackerError.programmerError("a PostgreSQL batch on a SQLite connection") }
        // Encoded and sent a piece at a time, so the server inserts one piece while the next is encoded.
        let piece = max(1, PGConnection.copyChunk / 74)
        return try pg.copyNew(PGMetricBatch.copySQL) { send in
            var rows = PGBinaryCopy(reservingRows: min(piece, pending.count), bytesPerRow: 74)
            for (i, r) in pending.enumerated() {
                rows.row(fields: 6)
                rows.int8(runSeq)
                rows.int8(r.keyID)
                rows.int8(Int64(r.point.step))
                if let e = r.point.epoch { rows.int8(Int64(e)) } else { rows.null() }
                rows.float8(r.point.value)
                rows.float8(r.point.wallTime)
                if (i + 1) % piece == 0 && i + 1 < pending.count { send(rows.take()) }
            }
            send(rows.finish())
        }
    }

    /// One multi-row INSERT of up to `rows` points (`ON CONFLICT DO NOTHING RETURNING`); a point
    /// not returned (stored already, or repeated within the batch) replaces the stored value by
    /// an UPDATE, in order.
    private func insertReplacing(_ chunk: ArraySlice<(keyID: Int64, point: MetricPoint)>, db: Connection, runSeq: Int64,
                                 into tally: inout RecordWriter.MetricTally) throws {
        let row = "(?, ?, ?, ?, ?, ?)"
        let sql = "INSERT INTO metrics (run_seq, key_id, step, epoch, value, wall_time) VALUES "
            + Array(repeating: row, count: chunk.count).joined(separator: ", ")
            + " ON CONFLICT (run_seq, key_id, step) DO NOTHING RETURNING key_id, step"
        let stmt = try chunk.count == PGMetricBatch.rows ? db.cached(sql) : db.prepare(sql)
        stmt.pg?.inferable = true  // every parameter is a value of the VALUES list
        stmt.reset()
        for (i, r) in chunk.enumerated() {
            let base = Int32(i * 6)
            stmt.bindInt(runSeq, at: base + 1)
            stmt.bindInt(r.keyID, at: base + 2)
            stmt.bindInt(Int64(r.point.step), at: base + 3)
            if let e = r.point.epoch { stmt.bindInt(Int64(e), at: base + 4) } else { stmt.bindNull(at: base + 4) }
            if r.point.value.isNaN { stmt.bindNull(at: base + 5) } else { stmt.bindDouble(r.point.value, at: base + 5) }
            stmt.bindDouble(r.point.wallTime, at: base + 6)
        }
        var inserted = Set<PGMetricKey>()
        while try stmt.step() {
            let r = Row(statement: stmt)
            inserted.insert(PGMetricKey(keyID: r.int(0), step: r.int(1)))
        }
        stmt.reset()
        var seen = Set<PGMetricKey>()
        for r in chunk {
            let key = PGMetricKey(keyID: r.keyID, step: Int64(r.point.step))
            // The first occurrence of an inserted key is the inserted row; every other one replaces.
            if seen.insert(key).inserted && inserted.contains(key) { continue }
            try db.run("UPDATE metrics SET epoch = ?, value = ?, wall_time = ? WHERE run_seq = ? AND key_id = ? AND step = ?",
                       [.optional(r.point.epoch), r.point.value.isNaN ? .null : .real(r.point.value), .real(r.point.wallTime),
                        .integer(runSeq), .integer(r.keyID), .int(r.point.step)])
            tally.rewritten.append((r.keyID, r.point.step))
        }
    }

    // MARK: summaries and tiles, one statement a table

    /// `RecordWriter.mergeSummaries` in one upsert (a batch holds each key once).
    static func mergeSummaries(_ tally: RecordWriter.MetricTally, db: Connection, runSeq: Int64) throws {
        guard !tally.keyIDs.isEmpty else { return }
        var columns = [PGArrayLiteral](repeating: PGArrayLiteral(), count: 10)
        for (keyID, s) in zip(tally.keyIDs, tally.summaries) {
            columns[0].int(keyID)
            columns[1].int(Int64(s.lastStep))
            columns[2].int(s.lastEpoch.map { Int64($0) })
            columns[3].float(s.last)
            columns[4].float(s.min)
            columns[5].int(s.minStep.map { Int64($0) })
            columns[6].float(s.max)
            columns[7].int(s.maxStep.map { Int64($0) })
            columns[8].int(Int64(s.count))
            columns[9].int(Int64(s.nanCount))
        }
        try db.run("""
            INSERT INTO latest_metrics (run_seq, key_id, last_step, last_epoch, last_value, min_value, min_step, max_value, max_step, count, nan_count)
            SELECT ?::bigint, t.* FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::float8[], ?::float8[], ?::bigint[], ?::float8[], ?::bigint[], ?::bigint[], ?::bigint[]) AS t
            \(RecordWriter.summaryConflict)
            """, [.integer(runSeq)] + columns.map { SQLValue.text($0.literal) })
    }

    /// `RecordWriter.mergeTiles` in one upsert: a tile the batch touched twice (steps out of
    /// order) is merged here first, by the upsert's own rule, since one statement may not
    /// update a row twice.
    static func mergeTiles(_ tiles: [RecordWriter.Tile], level: MetricTiles.Level, db: Connection, runSeq: Int64) throws {
        let merged = uniqueTiles(tiles)
        guard !merged.isEmpty else { return }
        var columns = [PGArrayLiteral](repeating: PGArrayLiteral(), count: 7)
        for t in merged {
            columns[0].int(t.keyID)
            columns[1].int(Int64(t.tile))
            columns[2].int(Int64(t.count))
            columns[3].int(t.minStep.map { Int64($0) })
            columns[4].float(t.minStep == nil ? nil : t.min)
            columns[5].int(t.maxStep.map { Int64($0) })
            columns[6].float(t.maxStep == nil ? nil : t.max)
        }
        try db.run("""
            INSERT INTO \(level.table) (run_seq, key_id, tile, count, min_step, min_value, max_step, max_value)
            SELECT ?::bigint, t.* FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::float8[], ?::bigint[], ?::float8[]) AS t
            \(RecordWriter.tileConflict(level))
            """, [.integer(runSeq)] + columns.map { SQLValue.text($0.literal) })
    }

    /// The tiles with each (key, tile) once, in first-seen order: counts added, the first of
    /// equal extremes kept (the upsert's strict `<` / `>`), as merging them one by one would.
    static func uniqueTiles(_ tiles: [RecordWriter.Tile]) -> [RecordWriter.Tile] {
        var index: [PGMetricKey: Int] = [:], out: [RecordWriter.Tile] = []
        out.reserveCapacity(tiles.count)
        for t in tiles {
            let key = PGMetricKey(keyID: t.keyID, step: Int64(t.tile))
            guard let i = index[key] else {
                index[key] = out.count
                out.append(t)
                continue
            }
            out[i].count += t.count
            if let step = t.minStep, out[i].minStep == nil || t.min < out[i].min { out[i].min = t.min; out[i].minStep = step }
            if let step = t.maxStep, out[i].maxStep == nil || t.max > out[i].max { out[i].max = t.max; out[i].maxStep = step }
        }
        return out
    }
}

struct PGMetricKey: Hashable { let keyID: Int64; let step: Int64 }
