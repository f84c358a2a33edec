import Foundation

extension Store {
    /// The migration that adds the queue (`queued`, `runs.queued_at`).
    static let queueSchemaVersion = 4

    /// Records every run of a sweep as `queued` (no process holds them yet), all or none in
    /// one transaction, and returns their ids in order. Agents claim them with
    /// `claimNextRun`; the environment stored here is the submitter's until an agent starts
    /// the run and records its own.
    public func queueRuns(_ starts: [RunStart]) throws -> [String] {
        try requireWritable()
        guard !starts.isEmpty else { return [] }
        var experimentIDs: [String: Int64] = [:]
        for s in starts where experimentIDs[s.experiment] == nil { experimentIDs[s.experiment] = try experiment(named: s.experiment) }
        let parents: [Int64?] = try starts.map { try $0.parent?.runRef(in: self).seq }
        let now = Date().timeIntervalSince1970
        return try db.transaction(.immediate) {
            var ids: [String] = []
            for (start, parentSeq) in zip(starts, parents) {
                guard let experimentID = experimentIDs[start.experiment] else { throw TrackerError.storage("no experiment '\(start.experiment)'") }
                let (seq, id) = try insertQueuedRun(start, experimentID: experimentID, parentSeq: parentSeq, now: now)
                try insertParams(start.config.flattened().map { ($0.key, ParamValue($0.value)) }, runSeq: seq)
                ids.append(id)
            }
            return ids
        }
    }

    /// Inserts one queued run row, drawing another short id on a collision (a failed
    /// INSERT undoes only itself, so the transaction goes on).
    private func insertQueuedRun(_ start: RunStart, experimentID: Int64, parentSeq: Int64?, now: Double) throws -> (Int64, String) {
        var attempt = 0
        while true {
            let uuid = Store.randomUUIDHex()
            let shortID = String(uuid.prefix(8))
            do {
                try db.run("""
                    INSERT INTO runs (id, uuid, experiment_id, name, status, created_at, seed, config, config_hash,
                                      environment, parent_seq, origin, queued_at)
                    VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [.text(shortID), .text(uuid), .integer(experimentID), .text(start.name), .real(now),
                     .integer(Int64(bitPattern: start.seed)), .text(start.config.canonical), .text(start.config.canonicalHash),
                     .text(start.environment.canonical), parentSeq.map { .integer($0) } ?? .null, .text(start.origin.rawValue), .real(now)])
                return (db.lastInsertRowID, shortID)
            } catch let e as SQLiteError where e.isConstraint && attempt < 8 {
                attempt += 1
            }
        }
    }

    /// The runs of the queue (every run `tracker sweep submit` recorded), oldest first,
    /// with their derived status and holder; only those of `experiment` when given.
    public func queuedRuns(experiment: String? = nil) throws -> [QueuedRun] {
        var sql = """
            SELECT r.id, e.name, r.name, \(Liveness.statusSQL()), r.queued_at, r.started_at, \(Liveness.endedAtSQL()), r.pid, r.host, r.heartbeat_at
            FROM runs r JOIN experiments e ON e.id = r.experiment_id
            WHERE r.queued_at IS NOT NULL AND r.deleted_at IS NULL
            """
        var args: [SQLValue] = []
        if let experiment {
            try requireExperiment(experiment)
            sql += " AND e.name = ?"
            args.append(.text(experiment))
        }
        // A store older than the queue (read as it is, not upgraded) has no queued runs.
        guard try Migrator.appliedMigrations(db).contains(where: { $0.version == Store.queueSchemaVersion }) else { return [] }
        return try db.query(sql + " ORDER BY r.queued_at, r.seq", args) {
            let holder = $0.isNull(7) && $0.isNull(8) ? nil
                : ProcessHolder(pid: $0.optionalInt(7).map { Int($0) }, host: $0.optionalText(8), heartbeat: $0.optionalDouble(9))
            return QueuedRun(id: $0.text(0), experiment: $0.text(1), name: $0.text(2), status: RunStatus(rawValue: $0.text(3)) ?? .failed,
                             queuedAt: $0.double(4), startedAt: $0.optionalDouble(5), endedAt: $0.optionalDouble(6), holder: holder)
        }
    }

    /// Throws, naming the experiments there are, unless the store has one called `name`.
    public func requireExperiment(_ name: String) throws {
        if try db.first("SELECT 1 FROM experiments WHERE name = ?", [.text(name)], { $0.int(0) }) != nil { return }
        let known = try experiments()
        let near = Spelling.near(name, in: known)
        let hint = near.isEmpty ? (known.isEmpty ? "the store has no experiments yet" : "experiments: \(known.prefix(20).joined(separator: ", "))")
            : "did you mean \(near.joined(separator: " or "))?"
        throw TrackerError.invalidArgument("no experiment named '\(name)' in \(path); \(hint)")
    }
}
