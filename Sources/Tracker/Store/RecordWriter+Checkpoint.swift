import Foundation

extension RecordWriter {
    /// Stores a checkpoint and everything that goes with it (`CheckpointSave`) in one
    /// transaction with `synchronous = FULL`, so no row exists without its bytes and a kill
    /// leaves the whole save or none of it. The lease is checked inside the transaction: a
    /// process that lost its run writes nothing. `number` is the save's count in this
    /// process, for the test kill hook.
    func writeCheckpoint(_ bytes: [UInt8], runSeq: Int64, runID: String, save: CheckpointSave, number: Int) throws -> [CheckpointInfo] {
        let sha = SHA256.hex(bytes)
        let now = Date().timeIntervalSince1970
        try db.execute("PRAGMA synchronous = FULL")
        defer { try? db.execute("PRAGMA synchronous = NORMAL") }
        let infos: [CheckpointInfo] = try db.transaction(.immediate) {
            try requireLease(runSeq: runSeq, runID: runID)
            try db.run("INSERT OR IGNORE INTO blobs (sha256, size, data) VALUES (?, ?, ?)", [.text(sha), .int(bytes.count), .blob(bytes)])
            TestKillPoint.reached(save: number, .blob)
            var infos: [CheckpointInfo] = []
            for kind in save.kinds {
                try db.run("INSERT INTO checkpoints (run_seq, step, epoch, kind, blob_sha256, size, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           [.integer(runSeq), .int(save.step), .optional(save.epoch), .text(kind.rawValue), .text(sha), .int(bytes.count), .real(now)])
                infos.append(CheckpointInfo(id: db.lastInsertRowID, runID: runID, step: save.step, epoch: save.epoch, kind: kind,
                                            sha256: sha, size: bytes.count, createdAt: now))
            }
            for id in save.pruning {
                try db.run("DELETE FROM checkpoints WHERE id = ? AND run_seq = ?", [.integer(id), .integer(runSeq)])
            }
            try writeContents(save.records, runSeq: runSeq)
            if let status = save.finishing { try finish(status, runSeq: runSeq, now: now) }
            TestKillPoint.reached(save: number, .rows)
            return infos
        }
        TestKillPoint.reached(save: number, .committed)
        return infos
    }

    /// Ends the run with `status` (inside the caller's transaction or alone).
    func finish(_ status: RunStatus, runSeq: Int64, now: Double) throws {
        try db.run("UPDATE runs SET status = ?, ended_at = ?, heartbeat_at = ? WHERE seq = ?",
                   [.text(status.rawValue), .real(now), .real(now), .integer(runSeq)])
    }

    /// Renews this process's lease on the run; throws when the run is gone or another holds it.
    func heartbeat(runSeq: Int64, runID: String) throws {
        try db.run("UPDATE runs SET heartbeat_at = ? WHERE seq = ? AND pid = ? AND host = ?",
                   [.real(Date().timeIntervalSince1970), .integer(runSeq), .int(Liveness.pid), .text(Liveness.hostName)])
        if db.changes == 0 { try requireLease(runSeq: runSeq, runID: runID) }
    }

    /// Throws unless the run's row exists and this process holds its lease.
    func requireLease(runSeq: Int64, runID: String) throws {
        guard let lease = try lease(runSeq: runSeq) else { throw RunLeaseError.vanished(run: runID) }
        guard lease.isOurs else { throw RunLeaseError.lost(run: runID, holder: lease.describe()) }
    }

    /// The lease columns of the run, or nil when its row is gone.
    func lease(runSeq: Int64) throws -> RunLease? {
        try db.first("SELECT pid, host, heartbeat_at FROM runs WHERE seq = ?", [.integer(runSeq)]) {
            RunLease(pid: $0.optionalInt(0).map { Int($0) }, host: $0.optionalText(1), heartbeat: $0.optionalDouble(2))
        }
    }

    /// A write error in plain words: a vanished run or a lost lease instead of the raw
    /// constraint failure they cause.
    func explain(_ error: any Error, runSeq: Int64, runID: String) -> any Error {
        guard error is SQLiteError else { return error }
        do { try requireLease(runSeq: runSeq, runID: runID) } catch let leaseError { return leaseError }
        return error
    }
}
