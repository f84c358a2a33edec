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
        try lookUpRun(idOrPrefix, includeDeleted: includeDeleted).info
    }

    /// The reference of the run whose id is `idOrPrefix` or starts with it, for the reads
    /// that follow (errors as `resolveRun`).
    public func runRef(_ idOrPrefix: String, includeDeleted: Bool = false) throws -> RunRef {
        try lookUpRun(idOrPrefix, includeDeleted: includeDeleted).ref
    }

    /// The run a reference names (deleted runs too).
    public func runInfo(_ run: some RunIdentifier) throws -> RunInfo {
        let ref = try run.runRef(in: self)
        guard let info = try db.first("SELECT \(Store.runColumns) FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.seq = ?",
                                      [.integer(ref.seq)], Store.runInfo) else {
            throw TrackerError.runNotFound(ref.id, suggestions: [])
        }
        return info
    }

    /// The run whose id is `idOrPrefix` or starts with it, resolved once: its reference for
    /// the reads that follow, and its record (errors as `resolveRun`). Found by an index range
    /// on the unique `id` and `uuid` columns (`LIKE` scanned every row of `runs`).
    public func lookUpRun(_ idOrPrefix: String, includeDeleted: Bool = false) throws -> (ref: RunRef, info: RunInfo) {
        let needle = idOrPrefix.trimmingCharacters(in: .whitespaces).lowercased()
        guard !needle.isEmpty else { throw TrackerError.invalidArgument("a run id is needed (see: tracker runs)") }
        let deleted = includeDeleted ? "" : "AND r.deleted_at IS NULL"
        let upper = RunRef.successor(ofPrefix: needle)
        func range(_ column: String) -> String { upper == nil ? "r.\(column) >= ?" : "(r.\(column) >= ? AND r.\(column) < ?)" }
        let bounds: [SQLValue] = [.text(needle)] + (upper.map { [.text($0)] } ?? [])
        let matches = try db.query("""
            SELECT \(Store.runColumns), r.seq FROM runs r JOIN experiments e ON e.id = r.experiment_id
            WHERE (\(range("id")) OR \(range("uuid"))) \(deleted) ORDER BY r.created_at LIMIT 11
            """, bounds + bounds) { (ref: RunRef(seq: $0.int(18), id: $0.text(0)), info: Store.runInfo($0)) }
        if matches.count == 1 { return matches[0] }
        if let exact = matches.first(where: { $0.info.id == needle || $0.info.uuid == needle }) { return exact }
        if matches.count > 1 { throw TrackerError.ambiguousRun(idOrPrefix, candidates: matches.prefix(10).map { "\($0.info.id) (\($0.info.name))" }) }
        let all = try db.query("SELECT r.id FROM runs r WHERE TRUE \(deleted)") { $0.text(0) }
        let close = all.map { (id: $0, d: Spelling.distance(needle, String($0.prefix(max(needle.count, 1))))) }
            .filter { $0.d <= 2 }.sorted { ($0.d, $0.id) < ($1.d, $1.id) }.prefix(3).map(\.id)
        throw TrackerError.runNotFound(idOrPrefix, suggestions: close)
    }

    func resolveSeq(_ idOrPrefix: String) throws -> Int64 {
        try runRef(idOrPrefix, includeDeleted: true).seq
    }

    /// Runs, newest first, optionally of one experiment.
    public func runs(experiment: String? = nil, includeDeleted: Bool = false, limit: Int? = nil) throws -> [RunInfo] {
        var sql = "SELECT \(Store.runColumns) FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE TRUE"
        var args: [SQLValue] = []
        if let experiment { sql += " AND e.name = ?"; args.append(.text(experiment)) }
        if !includeDeleted { sql += " AND r.deleted_at IS NULL" }
        sql += " ORDER BY r.created_at DESC, r.seq DESC"
        if let limit { sql += " LIMIT ?"; args.append(.int(limit)) }
        return try db.query(sql, args, Store.runInfo)
    }

    /// A run with its params, tags and metric summaries.
    public func summary(of run: some RunIdentifier) throws -> RunSummary {
        let ref = try run.runRef(in: self)
        let seq = ref.seq
        return RunSummary(run: try runInfo(ref), params: try params(seq: seq), tags: try tags(seq: seq), metrics: try metricSummaries(seq: seq))
    }

    /// Summaries of many runs (params, tags and metric summaries loaded in a few queries).
    public func summaries(of runs: [RunInfo]) throws -> [RunSummary] {
        guard !runs.isEmpty else { return [] }
        var seqs: [String: Int64] = [:]
        for start in stride(from: 0, to: runs.count, by: 500) {
            let chunk = runs[start..<min(start + 500, runs.count)].map { SQLValue.text($0.id) }
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            for (id, seq) in try db.query("SELECT id, seq FROM runs WHERE id IN (\(marks))", chunk, { ($0.text(0), $0.int(1)) }) { seqs[id] = seq }
        }
        return try summaries(seqs: runs.map { (seq: seqs[$0.id] ?? -1, run: $0) })
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
    public func setTag(run: some RunIdentifier, key: String, value: String) throws {
        try requireWritable()
        guard !key.isEmpty else { throw TrackerError.invalidArgument("a tag needs a key: tracker tag RUN key=value") }
        let seq = try run.runRef(in: self).seq
        try db.run("INSERT INTO tags (run_seq, key, value) VALUES (?, ?, ?) ON CONFLICT (run_seq, key) DO UPDATE SET value = excluded.value",
                   [.integer(seq), .text(key), .text(value)])
    }
}
