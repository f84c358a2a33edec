import Foundation

extension Store {
    /// Claims the next run of the queue for this process, atomically, or returns nil when
    /// there is nothing to claim (of `experiment`, when given).
    ///
    /// First a queued run that started and stopped without finishing — its agent was
    /// interrupted (SIGTERM, Ctrl-C: it checkpointed and ended the run), or died (`running` with a holder that is provably gone: its pid is dead on
    /// this host, or its lease expired, `Liveness.staleAfter`) — so a preempted run is resumed
    /// before new work starts; then the oldest `queued` run.
    ///
    /// This is the one place the claim's locking lives, and it is atomic on both backends: two
    /// agents never hold the same run. On SQLite it is a `BEGIN IMMEDIATE` transaction (one
    /// writer at a time: two agents cannot both read a row as free). On PostgreSQL claims do
    /// not queue behind one another: each locks the row it takes with `SELECT … FOR UPDATE
    /// SKIP LOCKED`, so concurrent claims pass over each other's rows instead of waiting, and
    /// every UPDATE is still guarded by the values read. The transaction holds the store's
    /// writer lock in shared mode (`Connection.TransactionKind.rowLocked`): an exclusive
    /// writer (a recorder that checked its lease and then writes or ends the run, a resume's
    /// takeover, a writer's crash marking, `delete`, `sync`) never sees a claim land in the
    /// middle of its transaction, exactly as on SQLite.
    ///
    /// A fresh run becomes `running` under
    /// this process's lease; a stopped one keeps its status with this process's lease and no
    /// end time (a dead holder's `running` is first written `crashed`, with its event, as a
    /// writer's open would), and `takeOverRun` then resumes it.
    public func claimNextRun(experiment: String? = nil) throws -> RunClaim? {
        try requireWritable()
        if let experiment { try requireExperiment(experiment) }
        let me = Liveness.current()
        let now = me.heartbeat ?? Date().timeIntervalSince1970
        let scope = experiment == nil ? "" : " AND r.experiment_id = (SELECT id FROM experiments WHERE name = ?)"
        let scopeArgs: [SQLValue] = experiment.map { [.text($0)] } ?? []
        let claimed: (seq: Int64, resumes: Bool, previous: ProcessHolder?)? = try db.transaction(.rowLocked) {
            let stopped = try db.query("""
                SELECT r.seq, r.status, r.pid, r.host, r.heartbeat_at, r.ended_at FROM runs r
                WHERE r.queued_at IS NOT NULL AND r.deleted_at IS NULL AND r.status IN ('running', 'interrupted', 'crashed')\(scope)
                ORDER BY r.queued_at, r.seq
                """, scopeArgs) {
                (seq: $0.int(0), status: $0.text(1),
                 holder: ProcessHolder(pid: $0.optionalInt(2).map { Int($0) }, host: $0.optionalText(3), heartbeat: $0.optionalDouble(4)),
                 endedAt: $0.optionalDouble(5))
            }
            // A stopped run with an end time is free whoever stopped it (an agent that checkpointed
            // on SIGTERM may live on elsewhere); a claim clears the end time, so a stopped run
            // without one is an earlier claimer's until that claimer is gone.
            for c in stopped where (c.status != RunStatus.running.rawValue && c.endedAt != nil) || c.holder.isGone(now: now) {
                let guardArgs: [SQLValue] = [.integer(c.seq), .text(c.status), .optional(c.holder.pid), .optional(c.holder.host), .optional(c.holder.heartbeat)]
                // PostgreSQL: lock the row as it was read, or pass it over (another claim holds it, or took it just now).
                if db.isPostgres, try db.first("SELECT r.seq FROM runs r WHERE r.seq = ? AND r.status = ? AND r.pid IS ? AND r.host IS ? AND r.heartbeat_at IS ?"
                                               + db.skipLocked("r"), guardArgs, { $0.int(0) }) == nil {
                    continue
                }
                if c.status == RunStatus.running.rawValue {
                    try db.run("UPDATE runs SET status = 'crashed', ended_at = coalesce(heartbeat_at, ?) WHERE seq = ? AND status = ? AND pid IS ? AND host IS ? AND heartbeat_at IS ?",
                               [.real(now)] + guardArgs)
                    guard db.changes == 1 else { continue }
                    try db.run("INSERT INTO events (run_seq, kind, level, message, created_at) VALUES (?, 'crashed', 'error', ?, ?)",
                               [.integer(c.seq), .text("the process (\(c.holder.describe(now: now))) stopped without finishing the run; its lease expired or its pid is gone"), .real(now)])
                }
                let status = c.status == RunStatus.running.rawValue ? RunStatus.crashed.rawValue : c.status
                try db.run("UPDATE runs SET ended_at = NULL, pid = ?, host = ?, heartbeat_at = ? WHERE seq = ? AND status = ? AND pid IS ? AND host IS ? AND heartbeat_at IS ?",
                           [.optional(me.pid), .optional(me.host), .real(now), .integer(c.seq), .text(status), .optional(c.holder.pid), .optional(c.holder.host),
                            .optional(c.holder.heartbeat)])
                if db.changes == 1 { return (c.seq, true, c.holder) }
            }
            guard let seq = try db.first("""
                SELECT r.seq FROM runs r WHERE r.queued_at IS NOT NULL AND r.deleted_at IS NULL AND r.status = 'queued'\(scope)
                ORDER BY r.queued_at, r.seq LIMIT 1\(db.skipLocked("r"))
                """, scopeArgs, { $0.int(0) }) else { return nil }
            try db.run("UPDATE runs SET status = 'running', started_at = ?, pid = ?, host = ?, heartbeat_at = ? WHERE seq = ? AND status = 'queued'",
                       [.real(now), .optional(me.pid), .optional(me.host), .real(now), .integer(seq)])
            return db.changes == 1 ? (seq, false, nil) : nil
        }
        guard let claimed else { return nil }
        return RunClaim(run: try runInfo(RunRef(seq: claimed.seq, id: "")), resumes: claimed.resumes, previous: claimed.previous)
    }

    /// Starts training a freshly claimed run: checks that this process holds its lease, and
    /// records the environment it trains in (the agent's, not the submitter's).
    public func beginClaimedRun(_ id: String, environment: JSONValue, batchSize: Int = RecordBatch.defaultLimit) throws -> RunRecorder {
        try RecorderClock.holding { try beginClaimedRunNow(id, environment: environment, batchSize: batchSize) }
    }

    private func beginClaimedRunNow(_ id: String, environment: JSONValue, batchSize: Int) throws -> RunRecorder {
        try requireWritable()
        let ref = try runRef(id)
        let me = Liveness.current()
        try db.run("UPDATE runs SET environment = ?, heartbeat_at = ? WHERE seq = ? AND status = 'running' AND pid = ? AND host = ?",
                   [.text(environment.canonical), .optional(me.heartbeat), .integer(ref.seq), .optional(me.pid), .optional(me.host)])
        guard db.changes == 1 else {
            let holder = try Store.runningLease(db: db, seq: ref.seq)?.describe() ?? "nobody (the run is no longer running)"
            throw RunLeaseError.lost(run: ref.id, holder: holder)
        }
        return try RunRecorder(path: path, run: ref, batchSize: batchSize)
    }

    /// Gives up a claimed run that cannot be trained here (its stored config no longer
    /// resolves, its checkpoint is refused): marks it `failed` with an event saying why, so
    /// no agent claims it again. Does nothing unless this process holds its lease.
    public func abandonClaim(_ id: String, reason: String) throws {
        try requireWritable()
        let ref = try runRef(id)
        let me = Liveness.current()
        let now = me.heartbeat ?? Date().timeIntervalSince1970
        try db.transaction(.immediate) {
            try db.run("UPDATE runs SET status = 'failed', ended_at = ? WHERE seq = ? AND status IN ('running', 'crashed', 'interrupted') AND pid = ? AND host = ?",
                       [.real(now), .integer(ref.seq), .optional(me.pid), .optional(me.host)])
            guard db.changes == 1 else { return }
            try db.run("INSERT INTO events (run_seq, kind, level, message, created_at) VALUES (?, 'failed', 'error', ?, ?)",
                       [.integer(ref.seq), .text("an agent (pid \(me.pid ?? 0) on \(me.host ?? "?")) could not train it: \(reason)"), .real(now)])
        }
    }
}
