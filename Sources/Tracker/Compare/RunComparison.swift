/// Runs side by side on chosen metrics, with the overfitting gap and the best epoch:
/// the "with and without dropout" view of `tracker compare`.
public struct RunComparison: Sendable, Equatable {
    /// One run of the comparison.
    public struct Row: Sendable, Equatable {
        public var run: RunInfo
        /// Values of the params that vary among the compared runs.
        public var params: [String: ParamValue]
        /// Final (latest) value of each chosen metric, when logged.
        public var final: [String: Double]
        /// Final train metric − final validation metric (positive: overfitting).
        public var gap: Double?
        /// The best value of the validation metric (max for accuracies, min for losses).
        public var bestValue: Double?
        public var bestStep: Int?
        public var bestEpoch: Int?
    }

    public var metrics: [String]
    public var paramKeys: [String]
    public var trainMetric: String
    public var valMetric: String
    /// The metric the best epoch was taken from (the validation metric, or val_loss when it is missing).
    public var bestMetric: String
    public var rows: [Row]

    /// Metrics shown when none are chosen, in this order, when any run has them.
    public static let defaultMetrics = ["train_acc", "val_acc", "val_loss", "test_acc", "shifted_acc", "val_acc_batch_stats", "shifted_acc_batch_stats"]
}

extension Store {
    /// Compares the given runs (ids or unique prefixes).
    public func compare(runs ids: [String], metrics: [String]? = nil, trainMetric: String = "train_acc",
                        valMetric: String = "val_acc") throws -> RunComparison {
        var seqs: [(seq: Int64, run: RunInfo)] = []
        for id in ids {
            let (ref, run) = try lookUpRun(id, includeDeleted: true)
            seqs.append((ref.seq, run))
        }
        return try compare(seqs, metrics: metrics, trainMetric: trainMetric, valMetric: valMetric)
    }

    /// Compares the runs a filter selects (see `runs(where:)`).
    public func compare(where filter: String?, experiment: String? = nil, sort: String? = nil, limit: Int? = nil,
                        metrics: [String]? = nil, trainMetric: String = "train_acc", valMetric: String = "val_acc") throws -> RunComparison {
        let seqs = try searchRuns(where: filter, experiment: experiment, sort: sort, limit: limit)
        return try compare(seqs, metrics: metrics, trainMetric: trainMetric, valMetric: valMetric)
    }

    private func compare(_ seqs: [(seq: Int64, run: RunInfo)], metrics chosen: [String]?, trainMetric: String,
                         valMetric: String) throws -> RunComparison {
        let summaries = try summaries(seqs: seqs)
        let present = Set(summaries.flatMap(\.metrics.keys))
        let metrics = chosen ?? RunComparison.defaultMetrics.filter(present.contains)
        let paramKeys = RunSummary.varyingParamKeys(summaries)
        let bestMetric = present.contains(valMetric) || !present.contains("val_loss") ? valMetric : "val_loss"
        let goal = MetricGoal(metric: bestMetric)
        var rows: [RunComparison.Row] = [], bests: [RunStep] = []
        for (s, seq) in zip(summaries, seqs.map(\.seq)) {
            var row = RunComparison.Row(run: s.run, params: s.params.filter { paramKeys.contains($0.key) },
                                        final: [:], gap: nil, bestValue: nil, bestStep: nil, bestEpoch: nil)
            for m in metrics { if let v = s.metrics[m]?.last { row.final[m] = v } }
            if let t = s.metrics[trainMetric]?.last, let v = s.metrics[valMetric]?.last, t.isFinite, v.isFinite { row.gap = t - v }
            if let summary = s.metrics[bestMetric], let best = goal.best(of: summary) {
                row.bestValue = best.value
                row.bestStep = best.step
                bests.append(RunStep(seq: seq, step: best.step))
            }
            rows.append(row)
        }
        let epochs = try self.epochs(key: bestMetric, at: bests)
        for (i, seq) in seqs.map(\.seq).enumerated() {
            if let step = rows[i].bestStep { rows[i].bestEpoch = epochs[RunStep(seq: seq, step: step)] }
        }
        return RunComparison(metrics: metrics, paramKeys: paramKeys, trainMetric: trainMetric, valMetric: valMetric,
                             bestMetric: bestMetric, rows: rows)
    }

    /// A point of a run's series: its run and step.
    struct RunStep: Hashable { let seq: Int64; let step: Int }

    /// The epochs recorded with the points of one key at `points` (those with one), read by
    /// primary-key lookups in one statement per `epochReadChunk` points, not one per point:
    /// on PostgreSQL each statement is a round trip.
    func epochs(key: String, at points: [RunStep]) throws -> [RunStep: Int] {
        guard !points.isEmpty, let keyID = try db.first("SELECT id FROM keys WHERE name = ?", [.text(key)], { $0.int(0) }) else { return [:] }
        var out: [RunStep: Int] = [:]
        var start = 0
        while start < points.count {
            let chunk = points[start..<min(points.count, start + Store.epochReadChunk)]
            start += chunk.count
            let sql = "SELECT run_seq, step, epoch FROM metrics WHERE "
                + Array(repeating: "(run_seq = ? AND key_id = ? AND step = ?)", count: chunk.count).joined(separator: " OR ")
            var args: [SQLValue] = []
            args.reserveCapacity(3 * chunk.count)
            for p in chunk { args += [.integer(p.seq), .integer(keyID), .int(p.step)] }
            // Two sizes are kept prepared (one point, a full chunk); a last partial chunk is prepared once.
            let stmt = chunk.count == 1 || chunk.count == Store.epochReadChunk ? try db.cached(sql) : try db.prepare(sql)
            for (seq, step, epoch) in try stmt.rows(args, { ($0.int(0), $0.int(1), $0.optionalInt(2)) }) {
                guard let epoch, let step = Int(exactly: step), let e = Int(exactly: epoch) else { continue }
                out[RunStep(seq: seq, step: step)] = e
            }
        }
        return out
    }

    /// Points read per statement of `epochs(key:at:)` (three bound values each).
    static let epochReadChunk = 200

    /// The epoch recorded with a metric point (a primary-key lookup).
    func epoch(runSeq: Int64, key: String, step: Int) throws -> Int? {
        try db.first("SELECT epoch FROM metrics WHERE run_seq = ? AND key_id = (SELECT id FROM keys WHERE name = ?) AND step = ?",
                     [.integer(runSeq), .text(key), .int(step)]) { $0.optionalInt(0).map { Int($0) } } ?? nil
    }
}
