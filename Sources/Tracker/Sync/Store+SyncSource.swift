import Foundation

/// The SQLite store as a place runs are synced out of (and compared in).
extension Store: SyncSource {
    public var syncName: String { path }

    public func syncRuns(_ selection: SyncSelection) throws -> [SyncRun] {
        let found = try searchRuns(where: selection.filter, experiment: selection.experiment, sort: nil, limit: nil)
        return try found.map { try syncRun(seq: $0.seq, info: $0.run) }
            .sorted { ($0.info.createdAt, $0.id) < ($1.info.createdAt, $1.id) }
    }

    public func syncRun(id: String) throws -> SyncRun? {
        guard let (seq, info) = try db.first("SELECT \(Store.runColumns), r.seq FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.id = ?",
                                             [.text(id)], { ($0.int(18), Store.runInfo($0)) }) else { return nil }
        return try syncRun(seq: seq, info: info)
    }

    private func syncRun(seq: Int64, info: RunInfo) throws -> SyncRun {
        let stored = try db.first("SELECT status FROM runs WHERE seq = ?", [.integer(seq)]) { $0.text(0) }
        return SyncRun(ref: RunRef(seq: seq, id: info.id), info: info,
                       leftRunning: stored == RunStatus.running.rawValue && info.status != .running)
    }

    public func syncRunRow(_ run: SyncRun) throws -> [SQLValue] {
        // A store read-only without the queue's migration has no queued_at: none of its runs were queued.
        let queuedAt = try Migrator.appliedMigrations(db).contains { $0.version == Store.queueSchemaVersion } ? "r.queued_at" : "NULL"
        let row = try db.first("""
            SELECT r.id, r.uuid, e.name, r.name, \(Liveness.statusSQL()), r.created_at, r.started_at, \(Liveness.endedAtSQL()), r.seed,
                   r.config, r.config_hash, r.environment, p.id, r.origin, r.pid, r.host, r.heartbeat_at, r.deleted_at, \(queuedAt)
            FROM runs r JOIN experiments e ON e.id = r.experiment_id LEFT JOIN runs p ON p.seq = r.parent_seq
            WHERE r.seq = ?
            """, [.integer(run.ref.seq)]) { row in (0..<Int32(RunTable.runColumns.count)).map { row.value($0) } }
        guard let row else { throw TrackerError.runNotFound(run.id, suggestions: []) }
        return row
    }

    public func syncExperiment(named name: String) throws -> SyncExperiment? {
        guard let (id, experiment) = try db.first("SELECT id, name, created_at, deleted_at, updated_at FROM experiments WHERE name = ?", [.text(name)], {
            ($0.int(0), SyncExperiment(name: $0.text(1), createdAt: $0.double(2), deletedAt: $0.optionalDouble(3), updatedAt: $0.optionalDouble(4), tags: []))
        }) else { return nil }
        var out = experiment
        out.tags = try db.query("SELECT key, value FROM experiment_tags WHERE experiment_id = ? ORDER BY key", [.integer(id)]) { (key: $0.text(0), value: $0.text(1)) }
        return out
    }

    public func forEachSyncRow(of run: SyncRun, in table: RunTable, _ body: ([SQLValue]) throws -> Void) throws {
        // A store opened read-only from before the migration that made a table has none of its rows.
        guard try db.tableExists(table.name) else { return }
        let stmt = try db.cached(Store.syncSelect(table))
        try stmt.bind([.integer(run.ref.seq)])
        defer { stmt.reset() }
        let width = Int32(table.columns.count)
        while try stmt.step() {
            let row = Row(statement: stmt)
            try body((0..<width).map { row.value($0) })
        }
        if run.leftRunning && table.name == "events" {
            // What a writer records when it opens the store (`markCrashedRuns`), so the copy
            // equals the source once it has been marked as well.
            let event = Liveness.crashEvent(ProcessHolder(pid: run.info.pid, host: run.info.host, heartbeat: run.info.heartbeatAt))
            try body([.null, .null, .text(event.kind), .text(event.level.rawValue), .text(event.message), .real(event.createdAt)])
        }
    }

    public func syncBlob(sha256: String) throws -> [UInt8]? {
        try db.first("SELECT data FROM blobs WHERE sha256 = ?", [.text(sha256)]) { $0.blob(0) }
    }

    /// `SELECT` of one run's rows of `table` as they travel: key ids joined to their names,
    /// ordered by `table.order` (names compare as UTF-8 bytes, SQLite's BINARY collation).
    static func syncSelect(_ table: RunTable) -> String {
        let keys = table.columns.filter { table.keyColumns.contains($0) }
        func alias(_ column: String) -> String { "k\(keys.firstIndex(of: column) ?? 0)" }
        func expression(_ column: String) -> String { table.keyColumns.contains(column) ? "\(alias(column)).name" : "t.\(column)" }
        let joins = keys.map { "LEFT JOIN keys \(alias($0)) ON \(alias($0)).id = t.\($0)" }.joined(separator: " ")
        return "SELECT \(table.columns.map(expression).joined(separator: ", ")) FROM \(table.name) t \(joins) WHERE t.run_seq = ? "
            + "ORDER BY \(table.order.map(expression).joined(separator: ", "))"
    }
}
