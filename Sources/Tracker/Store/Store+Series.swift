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

    func latestCount(seq: Int64, key: String) throws -> Int? {
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
    public func histograms(run: some RunIdentifier, tensor: String? = nil) throws -> [HistogramRecord] {
        let seq = try run.runRef(in: self).seq
        var sql = """
            SELECT k.name, h.step, h.epoch, h.lo, h.hi, h.counts FROM histograms h JOIN keys k ON k.id = h.tensor_id WHERE h.run_seq = ?
            """
        var args: [SQLValue] = [.integer(seq)]
        if let tensor { sql += " AND k.name = ?"; args.append(.text(tensor)) }
        sql += " ORDER BY h.tensor_id, h.step"
        return try db.query(sql, args) {
            HistogramRecord(tensor: $0.text(0), step: Int($0.int(1)), epoch: $0.optionalInt(2).map { Int($0) },
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
}
