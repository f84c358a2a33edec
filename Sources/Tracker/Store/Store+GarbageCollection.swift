import Foundation

/// Deleting runs and collecting what they leave: soft delete (`tracker delete`), then
/// `tracker gc` purges deleted runs with every record, unreferenced blobs and keys, and vacuums.
extension Store {
    /// Soft-deletes a run: hidden from listings until `purgeDeleted` removes it.
    ///
    /// A run a live process is training is refused (`RunLeaseError.deleteWhileTraining`)
    /// unless `force`: then it is hidden at once, and `gc` purges it only after it ends, so
    /// the trainer never loses its row.
    public func deleteRun(_ idOrPrefix: String, force: Bool = false) throws -> RunInfo {
        try requireWritable()
        let (ref, run) = try lookUpRun(idOrPrefix, includeDeleted: false)
        let seq = ref.seq
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
                for table in RunTable.all {
                    try db.run("DELETE FROM \(table.name) WHERE run_seq = ?", [s])
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

    /// What `tracker gc` removed.
    public struct GarbageReport: Sendable, Equatable {
        public var runs: [String]
        public var blobs: Int
        public var bytesBefore: Int64
        public var bytesAfter: Int64
    }

    /// Purges soft-deleted runs and unreferenced blobs, vacuums, and reports what went.
    public func collectGarbage() throws -> GarbageReport {
        let deleted = try db.query("SELECT id FROM runs WHERE deleted_at IS NOT NULL ORDER BY created_at") { $0.text(0) }
        let before = try fileBytes()
        let (_, blobs) = try purgeDeleted()
        return GarbageReport(runs: deleted, blobs: blobs, bytesBefore: before, bytesAfter: try fileBytes())
    }

    private func fileBytes() throws -> Int64 {
        if db.isPostgres { return try db.first("SELECT pg_database_size(current_database())") { $0.int(0) } ?? 0 }
        let pages = try db.first("PRAGMA page_count") { $0.int(0) } ?? 0
        let size = try db.first("PRAGMA page_size") { $0.int(0) } ?? 0
        return pages * size
    }

    /// Soft-deleted runs that a live process still trains: `gc` keeps them until they end.
    public func deletedRunsStillTraining() throws -> [String] {
        let now = Date().timeIntervalSince1970
        return try db.query("SELECT seq, id FROM runs WHERE deleted_at IS NOT NULL AND status = 'running' ORDER BY created_at") { ($0.int(0), $0.text(1)) }
            .filter { try Store.liveLease(db: db, seq: $0.0, now: now) != nil }.map(\.1)
    }
}
