import Foundation

/// Runs for MLflow clients: create, read, update, delete, restore, and the one logging
/// primitive (`mlflowLogBatch`) under log-metric, log-parameter and set-tag.
///
/// Every write is one `BEGIN IMMEDIATE` transaction, committed before the call returns: an
/// acknowledged request is in the file (WAL; it survives the process being killed), never
/// waiting in the recorder's background batches.
extension Store {
    /// The `runs.host` of runs logged by MLflow clients: no process of this machine trains
    /// them, so liveness never reads them as crashed (`Liveness.isProvablyDead`).
    public static let mlflowClientHost = Liveness.remoteClientHost

    /// The seq of the run an MLflow client names: its full uuid or its tracker id (exactly;
    /// prefixes are for people, not for clients).
    func mlflowRunSeq(_ runID: String, mustBeActive: Bool = false) throws -> Int64 {
        let id = runID.lowercased()
        guard (id.utf8.count == 32 || id.utf8.count == 8), id.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw MLflowError.missing("no run with id '\(runID.prefix(64))' (run ids are 32 hex digits, or tracker's 8)")
        }
        let column = id.utf8.count == 32 ? "uuid" : "id"
        guard let (seq, deleted) = try db.first("SELECT seq, deleted_at IS NOT NULL FROM runs WHERE \(column) = ?", [.text(id)], { ($0.int(0), $0.int(1) != 0) }) else {
            throw MLflowError.missing("no run with id '\(runID)'")
        }
        if mustBeActive && deleted {
            throw MLflowError.invalid("the run '\(runID)' is deleted; restore it before logging to it (its lifecycle_stage must be active)")
        }
        return seq
    }

    /// Creates a run (status RUNNING, origin `mlflow-client`) in an experiment, with tags.
    public func mlflowCreateRun(experimentID: String, name: String?, startTime: Int64?, tags: [(String, String)], userID: String?) throws -> MLflowRun {
        try requireWritable()
        guard tags.count <= MLflowLimits.tagsPerBatch * 10 else { throw MLflowError.invalid("too many tags on a new run") }
        for (k, v) in tags { try Store.checkTag(k, v) }
        let experiment = try experimentSeq(mlflowID: experimentID)
        if try db.first("SELECT deleted_at IS NOT NULL FROM experiments WHERE id = ?", [.integer(experiment)], { $0.int(0) != 0 }) == true {
            throw MLflowError.invalid("the experiment '\(experimentID)' is deleted; restore it to create runs in it")
        }
        let now = Date().timeIntervalSince1970
        let start = startTime.map { Double($0) / 1000 } ?? now
        var allTags = tags
        if let userID, !userID.isEmpty, !tags.contains(where: { $0.0 == "mlflow.user" }) { allTags.append(("mlflow.user", userID)) }
        let given = name ?? tags.last(where: { $0.0 == "mlflow.runName" })?.1
        if let given { try Store.checkTag("mlflow.runName", given) }
        let config = JSONValue.object([:])
        var attempt = 0
        while true {
            let uuid = Store.randomUUIDHex()
            let shortID = String(uuid.prefix(8))
            let runName = given.flatMap { $0.isEmpty ? nil : $0 } ?? "mlflow-\(shortID)"
            do {
                let seq: Int64 = try db.transaction(.immediate) {
                    try db.run("""
                        INSERT INTO runs (id, uuid, experiment_id, name, status, created_at, started_at, seed, config, config_hash,
                                          environment, origin, pid, host, heartbeat_at)
                        VALUES (?, ?, ?, ?, 'running', ?, ?, 0, ?, ?, ?, ?, NULL, ?, ?)
                        """,
                        [.text(shortID), .text(uuid), .integer(experiment), .text(runName), .real(now), .real(start),
                         .text(config.canonical), .text(config.canonicalHash), .text(JSONValue.object(["client": .string("mlflow")]).canonical),
                         .text(RunOrigin.mlflowClient.rawValue), .text(Store.mlflowClientHost), .real(now)])
                    let seq = db.lastInsertRowID
                    try writeTags(allTags.filter { $0.0 != "mlflow.runName" } + [("mlflow.runName", runName)], seq: seq)
                    return seq
                }
                return try mlflowRun(seq: seq)
            } catch let e as SQLiteError where e.isConstraint && attempt < 8 {
                attempt += 1  // short-id collision: draw another id
            }
        }
    }

    /// The run `runID` (deleted ones too), with its params, tags and latest metrics.
    public func mlflowRun(_ runID: String) throws -> MLflowRun {
        try mlflowRun(seq: try mlflowRunSeq(runID))
    }

    func mlflowRun(seq: Int64) throws -> MLflowRun {
        guard let run = try mlflowRuns(seqs: [seq]).first else { throw MLflowError.missing("no run with seq \(seq)") }
        return run
    }

    /// The runs `seqs` in that order (a seq with no run is left out), each with its params,
    /// tags and latest metrics: four queries per chunk of `mlflowReadChunk` runs, not four
    /// per run (a search page of 1000 runs made 4000 statement executions).
    func mlflowRuns(seqs: [Int64]) throws -> [MLflowRun] {
        var out: [MLflowRun] = []
        out.reserveCapacity(seqs.count)
        var start = 0
        while start < seqs.count {
            let chunk = Array(seqs[start..<min(seqs.count, start + Store.mlflowReadChunk)])
            start += chunk.count
            let list = "(" + Array(repeating: "?", count: chunk.count).joined(separator: ",") + ")"
            let args = chunk.map { SQLValue.integer($0) }
            // Two sizes are kept prepared (one run, a full chunk); a last partial chunk is prepared once.
            let statement = { (sql: String) throws -> Statement in
                chunk.count == 1 || chunk.count == Store.mlflowReadChunk ? try self.db.cached(sql) : try self.db.prepare(sql)
            }
            typealias Head = (seq: Int64, id: String, uuid: String, experiment: String, name: String, status: RunStatus, start: Double?, end: Double?, deleted: Bool)
            var heads: [Int64: Head] = [:]
            for h in try statement("""
                SELECT r.seq, r.id, r.uuid, r.experiment_id, e.name, r.name, \(Liveness.statusSQL()), r.started_at, \(Liveness.endedAtSQL()), r.deleted_at IS NOT NULL
                FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.seq IN \(list)
                """).rows(args, { row -> Head in
                    (seq: row.int(0), id: row.text(1), uuid: row.text(2), experiment: mlflowExperimentID(id: row.int(3), name: row.text(4)), name: row.text(5),
                     status: RunStatus(rawValue: row.text(6)) ?? .failed, start: row.optionalDouble(7), end: row.optionalDouble(8), deleted: row.int(9) != 0)
                }) { heads[h.seq] = h }
            var params: [Int64: [(key: String, value: String)]] = [:], tags: [Int64: [(key: String, value: String)]] = [:]
            var metrics: [Int64: [MLflowMetric]] = [:]
            for (seq, key, value) in try statement("SELECT run_seq, key, value_text FROM params WHERE run_seq IN \(list) ORDER BY run_seq, key")
                .rows(args, { ($0.int(0), $0.text(1), $0.text(2)) }) { params[seq, default: []].append((key, value)) }
            for (seq, key, value) in try statement("SELECT run_seq, key, value FROM tags WHERE run_seq IN \(list) ORDER BY run_seq, key")
                .rows(args, { ($0.int(0), $0.text(1), $0.text(2)) }) { tags[seq, default: []].append((key, value)) }
            for (seq, metric) in try statement("""
                SELECT l.run_seq, k.name, m.value, m.wall_time, l.last_step FROM latest_metrics l JOIN keys k ON k.id = l.key_id
                JOIN metrics m ON m.run_seq = l.run_seq AND m.key_id = l.key_id AND m.step = l.last_step
                WHERE l.run_seq IN \(list) ORDER BY l.run_seq, k.name
                """).rows(args, { ($0.int(0), MLflowMetric(key: $0.text(1), value: $0.optionalDouble(2) ?? .nan, timestamp: $0.double(3).mlflowMilliseconds ?? 0, step: $0.int(4))) }) {
                metrics[seq, default: []].append(metric)
            }
            for seq in chunk {
                guard let h = heads[seq] else { continue }
                let runTags = tags[seq] ?? []
                out.append(MLflowRun(runID: h.uuid, trackerID: h.id, experimentID: h.experiment, name: h.name, status: MLflowStatus.mlflow(h.status),
                                     startTime: h.start?.mlflowMilliseconds, endTime: h.status == .running ? nil : h.end?.mlflowMilliseconds,
                                     lifecycleStage: h.deleted ? "deleted" : "active", userID: runTags.first { $0.key == "mlflow.user" }?.value ?? "",
                                     params: params[seq] ?? [], tags: runTags, metrics: metrics[seq] ?? []))
            }
        }
        return out
    }

    /// Runs read per round of `mlflowRuns(seqs:)`: well under SQLite's bound-variable limit.
    static let mlflowReadChunk = 500

    /// Sets a run's status (a terminal one records `endTime`, now when not given) and/or name.
    public func mlflowUpdateRun(_ runID: String, status: String?, endTime: Int64?, name: String?) throws -> MLflowRun {
        try requireWritable()
        let seq = try mlflowRunSeq(runID)
        let newStatus = try status.map { try MLflowStatus.tracker($0) }
        try db.transaction(.immediate) {
            if let newStatus {
                let ended: SQLValue = newStatus == .running ? .null : .real(endTime.map { Double($0) / 1000 } ?? Date().timeIntervalSince1970)
                try db.run("UPDATE runs SET status = ?, ended_at = ? WHERE seq = ?", [.text(newStatus.rawValue), ended, .integer(seq)])
            }
            if let name, !name.isEmpty {
                try Store.checkTag("mlflow.runName", name)
                try db.run("UPDATE runs SET name = ? WHERE seq = ?", [.text(name), .integer(seq)])
                try writeTags([("mlflow.runName", name)], seq: seq)
            }
        }
        return try mlflowRun(seq: seq)
    }

    /// Soft-deletes (`deleted`) or restores a run, as MLflow's delete-run and restore-run.
    public func mlflowSetRunDeleted(_ runID: String, _ deleted: Bool) throws {
        try requireWritable()
        let seq = try mlflowRunSeq(runID)
        try db.transaction(.immediate) {
            try db.run("UPDATE runs SET deleted_at = ? WHERE seq = ?", [deleted ? .real(Date().timeIntervalSince1970) : .null, .integer(seq)])
        }
    }

    /// Logs metrics, params and tags to a run in one transaction (MLflow's log-batch):
    /// at most 1000 metrics, 100 params and 100 tags; params are immutable (the same value
    /// again is accepted, another value refused, and then nothing of the batch is written).
    /// A point at a step the series already has replaces it (tracker keeps one value a step).
    public func mlflowLogBatch(_ runID: String, metrics: [MLflowMetric], params: [(String, String)], tags: [(String, String)]) throws {
        try requireWritable()
        guard metrics.count <= MLflowLimits.metricsPerBatch else {
            throw MLflowError.invalid("a batch may hold at most \(MLflowLimits.metricsPerBatch) metrics; this one has \(metrics.count)")
        }
        guard params.count <= MLflowLimits.paramsPerBatch else {
            throw MLflowError.invalid("a batch may hold at most \(MLflowLimits.paramsPerBatch) params; this one has \(params.count)")
        }
        guard tags.count <= MLflowLimits.tagsPerBatch else {
            throw MLflowError.invalid("a batch may hold at most \(MLflowLimits.tagsPerBatch) tags; this one has \(tags.count)")
        }
        for m in metrics {
            guard !m.key.isEmpty, m.key.utf8.count <= MLflowLimits.keyLength else { throw MLflowError.invalid("a metric key must be 1 to \(MLflowLimits.keyLength) bytes") }
            guard m.step >= Int64(Int.min) && m.step <= Int64(Int.max) else { throw MLflowError.invalid("metric step out of range") }
        }
        var seen: [String: String] = [:]
        for (k, v) in params {
            guard !k.isEmpty, k.utf8.count <= MLflowLimits.keyLength else { throw MLflowError.invalid("a param key must be 1 to \(MLflowLimits.keyLength) bytes") }
            guard v.utf8.count <= MLflowLimits.paramValueLength else {
                throw MLflowError.invalid("the value of param '\(k)' is longer than \(MLflowLimits.paramValueLength) bytes")
            }
            if let other = seen.updateValue(v, forKey: k), other != v {
                throw MLflowError.invalid("param '\(k)' is given twice in one batch with different values ('\(other.prefix(100))', '\(v.prefix(100))')")
            }
        }
        for (k, v) in tags { try Store.checkTag(k, v) }
        let seq = try mlflowRunSeq(runID, mustBeActive: true)
        try db.transaction(.immediate) {
            if !params.isEmpty {
                do {
                    try insertParams(params.map { ($0.0, Store.mlflowParamValue($0.1)) }, runSeq: seq)
                } catch let TrackerError.invalidArgument(message) {
                    throw MLflowError.invalid(message)
                }
            }
            if !metrics.isEmpty {
                let writer = RecordWriter(db: db)
                var series: [MetricPoint] = [], gradients: [(tensor: String, column: String, metric: MLflowMetric)] = [], layers: [LayerStat] = []
                for m in metrics {
                    if let g = Store.gradientKey(m.key) { gradients.append((g.tensor, g.column, m)); continue }
                    if let l = Store.layerStatKey(m.key) {
                        guard m.step >= 0, m.step <= Int64(Int32.max) else { throw MLflowError.invalid("layer statistics need a step between 0 and \(Int32.max)") }
                        layers.append(LayerStat(layer: l.layer, stat: l.stat, step: Int(m.step), value: m.value))
                        continue
                    }
                    series.append(MetricPoint(key: m.key, step: Int(m.step), epoch: nil, value: m.value, wallTime: Double(m.timestamp) / 1000))
                }
                try writer.writeMetrics(series, runSeq: seq)
                try writeGradientMetrics(gradients, seq: seq, writer: writer)
                try writer.writeLayerStats(layers, runSeq: seq)
                try raiseMLflowAlerts(seq: seq, series: series, gradientSteps: Set(gradients.filter { $0.column == "l2" }.map(\.metric.step)),
                                      layerStats: layers, writer: writer)
            }
            if !tags.isEmpty {
                try writeTags(tags, seq: seq)
                if let name = tags.last(where: { $0.0 == "mlflow.runName" })?.1, !name.isEmpty {
                    try db.run("UPDATE runs SET name = ? WHERE seq = ?", [.text(name), .integer(seq)])
                }
            }
        }
    }

    /// Removes a tag from a run; a tag the run does not have is RESOURCE_DOES_NOT_EXIST.
    public func mlflowDeleteTag(_ runID: String, key: String) throws {
        try requireWritable()
        let seq = try mlflowRunSeq(runID, mustBeActive: true)
        try db.transaction(.immediate) {
            try db.run("DELETE FROM tags WHERE run_seq = ? AND key = ?", [.integer(seq), .text(key)])
            if db.changes == 0 { throw MLflowError.missing("the run '\(runID)' has no tag '\(key.prefix(250))'") }
        }
    }

    /// One page of a metric's points in step order: from `offset`, at most `limit`, and the
    /// offset of the next page (nil on the last).
    public func mlflowMetricHistory(_ runID: String, key: String, limit: Int, offset: Int) throws -> (points: [MLflowMetric], next: Int?) {
        let seq = try mlflowRunSeq(runID)
        let rows = try db.query("""
            SELECT m.step, m.value, m.wall_time FROM metrics m WHERE m.run_seq = ? AND m.key_id = (SELECT id FROM keys WHERE name = ?)
            ORDER BY m.step LIMIT ? OFFSET ?
            """, [.integer(seq), .text(key), .int(limit + 1), .int(offset)]) {
            MLflowMetric(key: key, value: $0.optionalDouble(1) ?? .nan, timestamp: $0.double(2).mlflowMilliseconds ?? 0, step: $0.int(0))
        }
        return (Array(rows.prefix(limit)), rows.count > limit ? offset + limit : nil)
    }

    private func writeTags(_ tags: [(String, String)], seq: Int64) throws {
        let stmt = try db.cached("INSERT INTO tags (run_seq, key, value) VALUES (?, ?, ?) ON CONFLICT (run_seq, key) DO UPDATE SET value = excluded.value")
        for (k, v) in tags { try stmt.run([.integer(seq), .text(k), .text(v)]) }
    }

    /// A param as MLflow sends it (text), typed when its text is the canonical form of a
    /// number or boolean (so `params.lr > 0.001` compares numbers), text otherwise. The text
    /// reads back unchanged either way.
    static func mlflowParamValue(_ s: String) -> ParamValue {
        if let i = Int64(s), String(i) == s { return .int(i) }
        if let d = Double(s), d.isFinite, ParamValue.real(d).description == s { return .real(d) }
        if s == "true" || s == "false" { return .bool(s == "true") }
        return .text(s)
    }
}
