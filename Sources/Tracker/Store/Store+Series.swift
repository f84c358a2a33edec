extension Store {
    /// Metric keys a run has logged, sorted.
    public func metricKeys(run: some RunIdentifier) throws -> [String] {
        let seq = try run.runRef(in: self).seq
        return try db.query("SELECT k.name FROM latest_metrics l JOIN keys k ON k.id = l.key_id WHERE l.run_seq = ? ORDER BY k.name", [.integer(seq)]) { $0.text(0) }
    }

    /// One metric series in step order (NaN read back from NULL).
    public func metricSeries(run: some RunIdentifier, key: String) throws -> [MetricPoint] {
        let seq = try run.runRef(in: self).seq
        return try db.query("""
            SELECT m.step, m.epoch, m.value, m.wall_time FROM metrics m
            WHERE m.run_seq = ? AND m.key_id = (SELECT id FROM keys WHERE name = ?) ORDER BY m.step
            """, [.integer(seq), .text(key)]) {
            MetricPoint(key: key, step: Int($0.int(0)), epoch: $0.optionalInt(1).map { Int($0) }, value: $0.optionalDouble(2) ?? .nan, wallTime: $0.double(3))
        }
    }

    /// One metric series as chart points (x = step, y = value; NaN for NaN), read lean: two
    /// columns straight into one array, for the million-point series viewers draw.
    public func metricPoints(run: some RunIdentifier, key: String) throws -> [ChartSeries.Point] {
        let seq = try run.runRef(in: self).seq
        let stmt = try db.cached("""
            SELECT step, value FROM metrics WHERE run_seq = ? AND key_id = (SELECT id FROM keys WHERE name = ?) ORDER BY step
            """)
        try stmt.bind([.integer(seq), .text(key)])
        defer { stmt.reset() }
        var out: [ChartSeries.Point] = []
        if let n = try latestCount(seq: seq, key: key) { out.reserveCapacity(n) }
        let row = Row(statement: stmt)
        while try stmt.step() {
            out.append(ChartSeries.Point(x: Double(row.int(0)), y: row.isNull(1) ? .nan : row.double(1)))
        }
        return out
    }

    private func latestCount(seq: Int64, key: String) throws -> Int? {
        try db.first("SELECT l.count FROM latest_metrics l JOIN keys k ON k.id = l.key_id WHERE l.run_seq = ? AND k.name = ?",
                     [.integer(seq), .text(key)]) { Int($0.int(0)) }
    }

    /// Every metric point of a run, ordered by key then step.
    public func allMetrics(run: some RunIdentifier) throws -> [MetricPoint] {
        let seq = try run.runRef(in: self).seq
        return try db.query("""
            SELECT k.name, m.step, m.epoch, m.value, m.wall_time FROM metrics m JOIN keys k ON k.id = m.key_id
            WHERE m.run_seq = ? ORDER BY k.name, m.step
            """, [.integer(seq)]) {
            MetricPoint(key: $0.text(0), step: Int($0.int(1)), epoch: $0.optionalInt(2).map { Int($0) }, value: $0.optionalDouble(3) ?? .nan, wallTime: $0.double(4))
        }
    }

    /// Gradient statistics of a run (optionally one tensor), by tensor then step.
    public func gradStats(run: some RunIdentifier, tensor: String? = nil) throws -> [GradStat] {
        let seq = try run.runRef(in: self).seq
        // Tensor names are read once (there are few) and shared by every row: 200,000 rows
        // then cost no string allocation each.
        var names: [Int64: String] = [:]
        func name(_ id: Int64) throws -> String {
            if let n = names[id] { return n }
            let n = try db.first("SELECT name FROM keys WHERE id = ?", [.integer(id)]) { $0.text(0) } ?? "?"
            names[id] = n
            return n
        }
        var sql = "SELECT tensor_id, step, epoch, l2, mean, std, max_abs, zero_frac, update_ratio FROM grad_stats WHERE run_seq = ?"
        var args: [SQLValue] = [.integer(seq)]
        if let tensor {
            guard let id = try db.first("SELECT id FROM keys WHERE name = ?", [.text(tensor)], { $0.int(0) }) else { return [] }
            sql += " AND tensor_id = ?"
            args.append(.integer(id))
        }
        sql += " ORDER BY tensor_id, step"
        return try db.query(sql, args) {
            GradStat(tensor: try name($0.int(0)), step: Int($0.int(1)), epoch: $0.optionalInt(2).map { Int($0) },
                     l2: $0.optionalDouble(3) ?? .nan, mean: $0.optionalDouble(4) ?? .nan, std: $0.optionalDouble(5) ?? .nan,
                     maxAbs: $0.optionalDouble(6) ?? .nan, zeroFraction: $0.optionalDouble(7) ?? .nan, updateRatio: $0.optionalDouble(8))
        }
    }

    /// Named per-layer statistics of a run, by layer, stat, step.
    public func layerStats(run: some RunIdentifier, stat: String? = nil) throws -> [LayerStat] {
        let seq = try run.runRef(in: self).seq
        var sql = """
            SELECT kl.name, ks.name, s.step, s.epoch, s.value FROM layer_stats s
            JOIN keys kl ON kl.id = s.layer_id JOIN keys ks ON ks.id = s.stat_id WHERE s.run_seq = ?
            """
        var args: [SQLValue] = [.integer(seq)]
        if let stat { sql += " AND ks.name = ?"; args.append(.text(stat)) }
        sql += " ORDER BY s.layer_id, s.stat_id, s.step"
        return try db.query(sql, args) {
            LayerStat(layer: $0.text(0), stat: $0.text(1), step: Int($0.int(2)), epoch: $0.optionalInt(3).map { Int($0) }, value: $0.optionalDouble(4) ?? .nan)
        }
    }

    /// BatchNorm running statistics of a run, by layer then step.
    public func bnStats(run: some RunIdentifier) throws -> [BNStat] {
        let seq = try run.runRef(in: self).seq
        return try db.query("""
            SELECT k.name, b.step, b.epoch, b.running_mean, b.running_var FROM bn_stats b JOIN keys k ON k.id = b.layer_id
            WHERE b.run_seq = ? ORDER BY b.layer_id, b.step
            """, [.integer(seq)]) {
            BNStat(layer: $0.text(0), step: Int($0.int(1)), epoch: $0.optionalInt(2).map { Int($0) },
                   runningMean: FloatBlob.floats($0.blob(3)), runningVar: FloatBlob.floats($0.blob(4)))
        }
    }

    /// Histograms of a run, by tensor then step.
    public func histograms(run: some RunIdentifier, tensor: String? = nil) throws -> [Histogram] {
        let seq = try run.runRef(in: self).seq
        var sql = """
            SELECT k.name, h.step, h.epoch, h.lo, h.hi, h.counts FROM histograms h JOIN keys k ON k.id = h.tensor_id WHERE h.run_seq = ?
            """
        var args: [SQLValue] = [.integer(seq)]
        if let tensor { sql += " AND k.name = ?"; args.append(.text(tensor)) }
        sql += " ORDER BY h.tensor_id, h.step"
        return try db.query(sql, args) {
            Histogram(tensor: $0.text(0), step: Int($0.int(1)), epoch: $0.optionalInt(2).map { Int($0) },
                      lo: $0.double(3), hi: $0.double(4), counts: FloatBlob.int32s($0.blob(5)))
        }
    }

    /// Events of a run in the order they were recorded.
    public func events(run: some RunIdentifier) throws -> [Event] {
        let seq = try run.runRef(in: self).seq
        return try db.query("SELECT kind, level, message, step, epoch, created_at FROM events WHERE run_seq = ? ORDER BY id", [.integer(seq)]) {
            Event(kind: $0.text(0), level: EventLevel(rawValue: $0.text(1)) ?? .info, message: $0.text(2),
                  step: $0.optionalInt(3).map { Int($0) }, epoch: $0.optionalInt(4).map { Int($0) }, createdAt: $0.double(5))
        }
    }

    // MARK: checkpoints

    /// Checkpoints of a run by step.
    public func checkpoints(run: some RunIdentifier) throws -> [CheckpointInfo] {
        let ref = try run.runRef(in: self)
        let seq = ref.seq
        return try db.query("SELECT id, step, epoch, kind, blob_sha256, size, created_at FROM checkpoints WHERE run_seq = ? ORDER BY step, id", [.integer(seq)]) {
            CheckpointInfo(id: $0.int(0), runID: ref.id, step: Int($0.int(1)), epoch: $0.optionalInt(2).map { Int($0) },
                           kind: CheckpointKind(rawValue: $0.text(3)) ?? .periodic, sha256: $0.text(4), size: Int($0.int(5)), createdAt: $0.double(6))
        }
    }

    /// The checkpoint with the highest step (the latest written among equals).
    public func latestCheckpoint(run: some RunIdentifier) throws -> CheckpointInfo? {
        try checkpoints(run: run.runRef(in: self)).max { ($0.step, $0.id) < ($1.step, $1.id) }
    }

    /// The checkpoint at `step` (the latest written, if several).
    public func checkpoint(run: some RunIdentifier, step: Int) throws -> CheckpointInfo {
        let ref = try run.runRef(in: self)
        guard let c = try checkpoints(run: ref).last(where: { $0.step == step }) else {
            throw TrackerError.checkpointNotFound(run: ref.id, detail: "at step \(step)")
        }
        return c
    }

    /// A checkpoint by its id.
    public func checkpoint(id: Int64) throws -> CheckpointInfo? {
        guard let run = try db.first("SELECT r.seq, r.id FROM checkpoints c JOIN runs r ON r.seq = c.run_seq WHERE c.id = ?", [.integer(id)], {
            RunRef(seq: $0.int(0), id: $0.text(1))
        }) else { return nil }
        return try checkpoints(run: run).first { $0.id == id }
    }

    /// The bytes of a checkpoint, verified against their SHA-256.
    public func checkpointData(_ info: CheckpointInfo) throws -> [UInt8] {
        guard let bytes = try db.first("SELECT data FROM blobs WHERE sha256 = ?", [.text(info.sha256)], { $0.blob(0) }) else {
            throw TrackerError.checkpointNotFound(run: info.runID, detail: "blob \(info.sha256)")
        }
        let actual = SHA256.hex(bytes)
        guard actual == info.sha256, bytes.count == info.size else {
            throw TrackerError.checkpointCorrupt(id: info.id, expected: info.sha256, actual: actual)
        }
        return bytes
    }
}

extension Store {
    /// The gradient report of a run, read lean: only tensor, step and L2 norm, in the
    /// table's key order (no sort), straight into the norm matrix. A 200,000-row run reads
    /// in a few tens of milliseconds.
    public func gradientReport(run: some RunIdentifier) throws -> GradientReport {
        let seq = try run.runRef(in: self).seq
        let stmt = try db.cached("SELECT tensor_id, step, l2 FROM grad_stats WHERE run_seq = ? ORDER BY tensor_id, step")
        try stmt.bind([.integer(seq)])
        defer { stmt.reset() }
        var tensorIDs: [Int64] = [], steps: [[Int]] = [], values: [[Double]] = []
        var recordedNaN = false
        let row = Row(statement: stmt)
        while try stmt.step() {
            let id = row.int(0)
            if tensorIDs.last != id {
                tensorIDs.append(id)
                steps.append([])
                values.append([])
            }
            steps[steps.count - 1].append(Int(row.int(1)))
            if row.isNull(2) {
                recordedNaN = true
                values[values.count - 1].append(.nan)
            } else {
                values[values.count - 1].append(row.double(2))
            }
        }
        // Usually every tensor has the same steps; otherwise align on their union.
        var union = steps.first ?? []
        var norms = values
        if !steps.allSatisfy({ $0 == union }) {
            union = Array(Set(steps.joined())).sorted()
            let column = Dictionary(uniqueKeysWithValues: union.enumerated().map { ($0.element, $0.offset) })
            norms = zip(steps, values).map { s, v in
                var row = [Double](repeating: .nan, count: union.count)
                for (step, value) in zip(s, v) { if let c = column[step] { row[c] = value } }
                return row
            }
        }
        var names: [String] = []
        for id in tensorIDs {
            names.append(try db.first("SELECT name FROM keys WHERE id = ?", [.integer(id)]) { $0.text(0) } ?? "?")
        }
        // Recording order: the order tensors first appear (by their interned key id).
        return GradientReport(tensors: names, steps: union, norms: norms, recordedNaN: recordedNaN)
    }
}

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
              try db.first("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'metric_tiles'", [], { $0.int(0) }) != nil,
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
