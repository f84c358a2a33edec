import Foundation

extension Store {
    /// The lease of a run: who trains it, or nil when it is not `running` (in the row).
    public func lease(of run: some RunIdentifier) throws -> RunLease? {
        try Store.runningLease(db: db, seq: try run.runRef(in: self).seq)
    }

    /// The lease of a run whose row says `running`, or nil (any other status, or no row).
    static func runningLease(db: Connection, seq: Int64) throws -> RunLease? {
        try db.first("SELECT pid, host, heartbeat_at FROM runs WHERE seq = ? AND status = 'running'", [.integer(seq)]) {
            RunLease(pid: $0.optionalInt(0).map { Int($0) }, host: $0.optionalText(1), heartbeat: $0.optionalDouble(2))
        }
    }

    /// The lease of a run that a live process is training now, or nil.
    static func liveLease(db: Connection, seq: Int64, now: Double) throws -> RunLease? {
        guard let lease = try runningLease(db: db, seq: seq), !lease.isGone(now: now) else { return nil }
        return lease
    }

    /// Takes a stopped run over for training (resume): in one `BEGIN IMMEDIATE`
    /// transaction, refuses a finished run or one a live process holds, claims the lease
    /// (guarded by the old holder's values, so of two concurrent resumes exactly one
    /// wins), sets it `running`, and drops every record after `afterStep` (all of them
    /// when nil: a run that stopped before its first checkpoint starts again from step 0).
    /// Params stay: they are immutable and the continuation logs the same values.
    public func takeOverRun(_ run: some RunIdentifier, afterStep: Int?, batchSize: Int = RecordBatch.defaultLimit) throws -> RunRecorder {
        try requireWritable()
        let ref = try run.runRef(in: self)
        let seq = ref.seq
        let now = Date().timeIntervalSince1970
        let cut = afterStep ?? -1
        try db.transaction(.immediate) {
            guard let (status, old) = try db.first("SELECT status, pid, host, heartbeat_at FROM runs WHERE seq = ? AND deleted_at IS NULL", [.integer(seq)], {
                ($0.text(0), RunLease(pid: $0.optionalInt(1).map { Int($0) }, host: $0.optionalText(2), heartbeat: $0.optionalDouble(3)))
            }) else {
                throw TrackerError.runNotFound(ref.id, suggestions: [])
            }
            if status == RunStatus.finished.rawValue { throw RunLeaseError.finished(run: ref.id) }
            let wasRunning = status == RunStatus.running.rawValue
            if wasRunning && !old.isGone(now: now) { throw RunLeaseError.held(run: ref.id, holder: old.describe(now: now)) }
            let me = Liveness.current(now: now)
            try db.run("""
                UPDATE runs SET status = 'running', ended_at = NULL, pid = ?, host = ?, heartbeat_at = ?
                WHERE seq = ? AND status = ? AND pid IS ? AND host IS ? AND heartbeat_at IS ?
                """, [.optional(me.pid), .optional(me.host), .real(now), .integer(seq), .text(status),
                      .optional(old.pid), .optional(old.host), .optional(old.heartbeat)])
            guard db.changes == 1 else { throw RunLeaseError.held(run: ref.id, holder: "another process that resumed it just now") }
            let s: SQLValue = .integer(seq), after: SQLValue = .int(cut)
            for table in RunTable.stepped {
                try db.run("DELETE FROM \(table.name) WHERE run_seq = ? AND step > ?", [s, after])
            }
            try MetricTiles.truncate(db: db, runSeq: seq, afterStep: cut)
            try recomputeSummaries(runSeq: seq)
            let from = afterStep.map { "from step \($0)" } ?? "from step 0 (it stopped before its first checkpoint)"
            let took = wasRunning ? "; took over from \(old.describe(now: now)), which is gone" : ""
            try db.run("INSERT INTO events (run_seq, step, kind, level, message, created_at) VALUES (?, ?, 'resume', 'info', ?, ?)",
                       [s, afterStep.map { .int($0) } ?? .null,
                        .text("resumed \(from) (was \(wasRunning ? "crashed" : status)) by pid \(me.pid ?? 0) on \(me.host ?? "?")\(took)"), .real(now)])
        }
        return try RunRecorder(path: path, run: ref, batchSize: batchSize)
    }
}
