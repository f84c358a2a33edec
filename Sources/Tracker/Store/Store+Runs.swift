import Foundation

extension Store {
    static let runColumns = """
        r.id, r.uuid, e.name, r.name, \(Liveness.statusSQL()), r.created_at, r.started_at, \(Liveness.endedAtSQL()), r.seed, r.config, r.config_hash,
        r.environment, (SELECT p.id FROM runs p WHERE p.seq = r.parent_seq), r.origin, r.pid, r.host, r.heartbeat_at, r.deleted_at
        """

    static func runInfo(_ row: Row) -> RunInfo {
        RunInfo(
            id: row.text(0), uuid: row.text(1), experiment: row.text(2), name: row.text(3),
            status: RunStatus(rawValue: row.text(4)) ?? .failed,
            createdAt: row.double(5), startedAt: row.optionalDouble(6), endedAt: row.optionalDouble(7),
            seed: UInt64(bitPattern: row.int(8)), config: row.text(9), configHash: row.text(10), environment: row.text(11),
            parentID: row.optionalText(12), origin: RunOrigin(rawValue: row.text(13)) ?? .new,
            pid: row.optionalInt(14).map { Int($0) }, host: row.optionalText(15), heartbeatAt: row.optionalDouble(16),
            deleted: !row.isNull(17))
    }

    /// The run whose id is `idOrPrefix` or starts with it (any unique prefix; full uuids too).
    ///
    /// Unknown ids suggest close ones; an ambiguous prefix lists the candidates.
    public func resolveRun(_ idOrPrefix: String, includeDeleted: Bool = false) throws -> RunInfo {
        let needle = idOrPrefix.trimmingCharacters(in: .whitespaces).lowercased()
        guard !needle.isEmpty else { throw TrackerError.invalidArgument("a run id is needed (see: tracker runs)") }
        let escaped = needle.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
        let deleted = includeDeleted ? "" : "AND r.deleted_at IS NULL"
        let matches = try db.query("""
            SELECT \(Store.runColumns) FROM runs r JOIN experiments e ON e.id = r.experiment_id
            WHERE (r.id LIKE ? ESCAPE '\\' OR r.uuid LIKE ? ESCAPE '\\') \(deleted) ORDER BY r.created_at LIMIT 11
            """, [.text(escaped + "%"), .text(escaped + "%")], Store.runInfo)
        if matches.count == 1 { return matches[0] }
        if let exact = matches.first(where: { $0.id == needle || $0.uuid == needle }) { return exact }
        if matches.count > 1 { throw TrackerError.ambiguousRun(idOrPrefix, candidates: matches.prefix(10).map { "\($0.id) (\($0.name))" }) }
        let all = try db.query("SELECT r.id FROM runs r WHERE 1 \(deleted)") { $0.text(0) }
        let close = all.map { (id: $0, d: Store.editDistance(needle, String($0.prefix(max(needle.count, 1))))) }
            .filter { $0.d <= 2 }.sorted { ($0.d, $0.id) < ($1.d, $1.id) }.prefix(3).map(\.id)
        throw TrackerError.runNotFound(idOrPrefix, suggestions: close)
    }

    func resolveSeq(_ idOrPrefix: String) throws -> Int64 {
        let run = try resolveRun(idOrPrefix, includeDeleted: true)
        guard let seq = try db.first("SELECT seq FROM runs WHERE id = ?", [.text(run.id)], { $0.int(0) }) else {
            throw TrackerError.runNotFound(idOrPrefix, suggestions: [])
        }
        return seq
    }

    /// Runs, newest first, optionally of one experiment.
    public func runs(experiment: String? = nil, includeDeleted: Bool = false, limit: Int? = nil) throws -> [RunInfo] {
        var sql = "SELECT \(Store.runColumns) FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE 1"
        var args: [SQLValue] = []
        if let experiment { sql += " AND e.name = ?"; args.append(.text(experiment)) }
        if !includeDeleted { sql += " AND r.deleted_at IS NULL" }
        sql += " ORDER BY r.created_at DESC, r.seq DESC"
        if let limit { sql += " LIMIT ?"; args.append(.int(limit)) }
        return try db.query(sql, args, Store.runInfo)
    }

    /// A run with its params, tags and metric summaries.
    public func summary(of idOrPrefix: String) throws -> RunSummary {
        let run = try resolveRun(idOrPrefix, includeDeleted: true)
        let seq = try resolveSeq(run.id)
        return RunSummary(run: run, params: try params(seq: seq), tags: try tags(seq: seq), metrics: try metricSummaries(seq: seq))
    }

    /// Summaries of many runs (params, tags and metric summaries loaded in three queries).
    public func summaries(of runs: [RunInfo]) throws -> [RunSummary] {
        guard !runs.isEmpty else { return [] }
        var seqs: [String: Int64] = [:]
        var params: [Int64: [String: ParamValue]] = [:], tags: [Int64: [String: String]] = [:], metrics: [Int64: [String: MetricSummary]] = [:]
        for chunk in stride(from: 0, to: runs.count, by: 500).map({ Array(runs[$0..<min($0 + 500, runs.count)]) }) {
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            let ids = chunk.map { SQLValue.text($0.id) }
            for (id, seq) in try db.query("SELECT id, seq FROM runs WHERE id IN (\(marks))", ids, { ($0.text(0), $0.int(1)) }) { seqs[id] = seq }
            let seqArgs = chunk.compactMap { seqs[$0.id] }.map { SQLValue.integer($0) }
            let seqMarks = Array(repeating: "?", count: seqArgs.count).joined(separator: ",")
            for (seq, key, value) in try db.query("SELECT run_seq, key, type, value_text, value_num FROM params WHERE run_seq IN (\(seqMarks))", seqArgs, {
                ($0.int(0), $0.text(1), ParamValue.decode(type: $0.text(2), text: $0.text(3), number: $0.optionalDouble(4)))
            }) { params[seq, default: [:]][key] = value }
            for (seq, key, value) in try db.query("SELECT run_seq, key, value FROM tags WHERE run_seq IN (\(seqMarks))", seqArgs, { ($0.int(0), $0.text(1), $0.text(2)) }) {
                tags[seq, default: [:]][key] = value
            }
            for (seq, key, s) in try db.query("\(Store.summaryQuery) WHERE l.run_seq IN (\(seqMarks))", seqArgs, { ($0.int(0), $0.text(1), Store.metricSummary($0)) }) {
                metrics[seq, default: [:]][key] = s
            }
        }
        return runs.map { r in
            let seq = seqs[r.id] ?? -1
            return RunSummary(run: r, params: params[seq] ?? [:], tags: tags[seq] ?? [:], metrics: metrics[seq] ?? [:])
        }
    }

    func params(seq: Int64) throws -> [String: ParamValue] {
        Dictionary(try db.query("SELECT key, type, value_text, value_num FROM params WHERE run_seq = ?", [.integer(seq)]) {
            ($0.text(0), ParamValue.decode(type: $0.text(1), text: $0.text(2), number: $0.optionalDouble(3)))
        }, uniquingKeysWith: { a, _ in a })
    }

    func tags(seq: Int64) throws -> [String: String] {
        Dictionary(try db.query("SELECT key, value FROM tags WHERE run_seq = ?", [.integer(seq)]) { ($0.text(0), $0.text(1)) },
                   uniquingKeysWith: { a, _ in a })
    }

    static let summaryQuery = """
        SELECT l.run_seq, k.name, l.last_step, l.last_epoch, l.last_value, l.min_value, l.min_step, l.max_value, l.max_step, l.count, l.nan_count
        FROM latest_metrics l JOIN keys k ON k.id = l.key_id
        """

    static func metricSummary(_ r: Row) -> MetricSummary {
        MetricSummary(last: r.optionalDouble(4) ?? .nan, lastStep: Int(r.int(2)), lastEpoch: r.optionalInt(3).map { Int($0) },
                      min: r.optionalDouble(5), minStep: r.optionalInt(6).map { Int($0) },
                      max: r.optionalDouble(7), maxStep: r.optionalInt(8).map { Int($0) },
                      count: Int(r.int(9)), nanCount: Int(r.int(10)))
    }

    func metricSummaries(seq: Int64) throws -> [String: MetricSummary] {
        Dictionary(try db.query("\(Store.summaryQuery) WHERE l.run_seq = ?", [.integer(seq)]) { ($0.text(1), Store.metricSummary($0)) },
                   uniquingKeysWith: { a, _ in a })
    }

    // MARK: changes made by people (tags, deletion)

    /// Sets (or replaces) a tag on a run.
    public func setTag(run idOrPrefix: String, key: String, value: String) throws {
        try requireWritable()
        guard !key.isEmpty else { throw TrackerError.invalidArgument("a tag needs a key: tracker tag RUN key=value") }
        let seq = try resolveSeq(idOrPrefix)
        try db.run("INSERT INTO tags (run_seq, key, value) VALUES (?, ?, ?) ON CONFLICT (run_seq, key) DO UPDATE SET value = excluded.value",
                   [.integer(seq), .text(key), .text(value)])
    }

    /// Soft-deletes a run: hidden from listings until `purgeDeleted` removes it.
    ///
    /// A run a live process is training is refused (`RunLeaseError.deleteWhileTraining`)
    /// unless `force`: then it is hidden at once, and `gc` purges it only after it ends, so
    /// the trainer never loses its row.
    public func deleteRun(_ idOrPrefix: String, force: Bool = false) throws -> RunInfo {
        try requireWritable()
        let run = try resolveRun(idOrPrefix)
        let seq = try resolveSeq(run.id)
        let now = Date().timeIntervalSince1970
        try db.transaction(.immediate) {
            if !force, let lease = try Store.liveLease(db: db, seq: seq, now: now) {
                throw RunLeaseError.deleteWhileTraining(run: run.id, holder: lease.describe(now: now))
            }
            try db.run("UPDATE runs SET deleted_at = ? WHERE seq = ?", [.real(now), .integer(seq)])
        }
        return run
    }

    /// Removes soft-deleted runs with everything they recorded, then unreferenced blobs and
    /// keys, then vacuums. Returns the number of runs and blobs removed.
    public func purgeDeleted() throws -> (runs: Int, blobs: Int) {
        try requireWritable()
        let result: (Int, Int) = try db.transaction(.immediate) {
            // A deleted run still being trained (`delete --force`) waits for its trainer to end.
            let now = Date().timeIntervalSince1970
            let seqs = try db.query("SELECT seq FROM runs WHERE deleted_at IS NOT NULL") { $0.int(0) }
                .filter { try Store.liveLease(db: db, seq: $0, now: now) == nil }
            for seq in seqs {
                let s: SQLValue = .integer(seq)
                for table in ["metrics", "metric_tiles", "grad_stats", "layer_stats", "bn_stats", "histograms", "latest_metrics", "params", "tags", "events", "checkpoints", "artifacts"] {
                    try db.run("DELETE FROM \(table) WHERE run_seq = ?", [s])
                }
                try db.run("UPDATE runs SET parent_seq = NULL WHERE parent_seq = ?", [s])
                try db.run("DELETE FROM runs WHERE seq = ?", [s])
            }
            try db.run("DELETE FROM blobs WHERE sha256 NOT IN (SELECT blob_sha256 FROM checkpoints) AND sha256 NOT IN (SELECT blob_sha256 FROM artifacts)")
            let blobs = db.changes
            return (seqs.count, blobs)
        }
        try db.execute("VACUUM")
        return result
    }

    /// Levenshtein distance, for "did you mean" suggestions.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count), cur = prev
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
}
