import Foundation

/// The SQLite store as a place runs are synced into.
extension Store: SyncDestination {
    public func insertSyncRun(_ run: SyncRun, from source: any SyncSource, number: Int) throws -> Bool {
        try requireWritable()
        let row = try source.syncRunRow(run)
        guard row.count == RunTable.runColumns.count, case .text(let experimentName) = row[2] else {
            throw TrackerError.storage("run \(run.id) in \(source.syncName) has no experiment name")
        }
        return try db.transaction(.immediate) {
            if try db.first("SELECT 1 FROM runs WHERE id = ?", [row[0]], { _ in true }) != nil { return false }
            let experimentID = try syncExperimentID(experimentName, from: source)
            var parentSeq: SQLValue = .null
            if case .text(let parent) = row[12] {
                guard let seq = try db.first("SELECT seq FROM runs WHERE id = ?", [.text(parent)], { $0.int(0) }) else {
                    throw TrackerError.storage("run \(run.id) derives from run \(parent), which \(path) lacks; copy it first")
                }
                parentSeq = .integer(seq)
            }
            var values = row
            values[2] = .integer(experimentID)
            values[12] = parentSeq
            try db.run("""
                INSERT INTO runs (id, uuid, experiment_id, name, status, created_at, started_at, ended_at, seed, config, config_hash,
                                  environment, parent_seq, origin, pid, host, heartbeat_at, deleted_at, queued_at)
                VALUES (\(Array(repeating: "?", count: values.count).joined(separator: ", ")))
                """, values)
            let seq = db.lastInsertRowID
            let keys = RecordWriter(db: db)  // interns key names, cached
            for table in RunTable.all {
                try insertSyncRows(of: run, in: table, runSeq: seq, from: source, keys: keys)
            }
            TestKillPoint.reached(syncedRun: number)
            return true
        }
    }

    /// The destination's id of the experiment `name`, created from the source's record (its
    /// times and tags) when missing; tags the destination lacks are added, its own are kept.
    private func syncExperimentID(_ name: String, from source: any SyncSource) throws -> Int64 {
        let experiment = try source.syncExperiment(named: name)
        if try db.first("SELECT id FROM experiments WHERE name = ?", [.text(name)], { $0.int(0) }) == nil {
            try db.run("INSERT INTO experiments (name, created_at, deleted_at, updated_at) VALUES (?, ?, ?, ?)",
                       [.text(name), .real(experiment?.createdAt ?? Date().timeIntervalSince1970),
                        .optional(experiment?.deletedAt), .optional(experiment?.updatedAt)])
        }
        guard let id = try db.first("SELECT id FROM experiments WHERE name = ?", [.text(name)], { $0.int(0) }) else {
            throw TrackerError.storage("could not create the experiment '\(name)' in \(path)")
        }
        for tag in experiment?.tags ?? [] {
            try db.run("INSERT OR IGNORE INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)", [.integer(id), .text(tag.key), .text(tag.value)])
        }
        return id
    }

    private func insertSyncRows(of run: SyncRun, in table: RunTable, runSeq: Int64, from source: any SyncSource, keys: RecordWriter) throws {
        let marks = Array(repeating: "?", count: table.columns.count + 1).joined(separator: ", ")
        let insert = try db.prepare("INSERT INTO \(table.name) (run_seq, \(table.columns.joined(separator: ", "))) VALUES (\(marks))")
        let keyIndexes = table.columns.indices.filter { table.keyColumns.contains(table.columns[$0]) }
        let blobIndex = table.blobColumn.flatMap { table.columns.firstIndex(of: $0) }
        try source.forEachSyncRow(of: run, in: table) { row in
            var values = row
            for i in keyIndexes {
                guard case .text(let name) = row[i] else {
                    throw TrackerError.storage("a \(table.name) row of run \(run.id) in \(source.syncName) refers to a key that does not exist")
                }
                values[i] = .integer(try keys.keyID(name))
            }
            if let blobIndex, case .text(let sha) = row[blobIndex] { try copyBlob(sha, of: run, from: source) }
            try insert.run([.integer(runSeq)] + values)
        }
    }

    /// Copies a blob the destination lacks, checked against its SHA-256 first: a corrupt
    /// blob in the source stops the copy of the run instead of spreading.
    private func copyBlob(_ sha: String, of run: SyncRun, from source: any SyncSource) throws {
        if try db.first("SELECT 1 FROM blobs WHERE sha256 = ?", [.text(sha)], { _ in true }) != nil { return }
        guard let data = try source.syncBlob(sha256: sha) else {
            throw TrackerError.storage("run \(run.id) in \(source.syncName) refers to blob \(sha.prefix(12))…, which that store lacks; nothing of the run was copied")
        }
        let actual = SHA256.hex(data)
        guard actual == sha else {
            throw TrackerError.storage("blob \(sha.prefix(12))… of run \(run.id) in \(source.syncName) is corrupt (its bytes hash to \(actual.prefix(12))…); nothing of the run was copied")
        }
        try db.run("INSERT INTO blobs (sha256, size, data) VALUES (?, ?, ?)", [.text(sha), .int(data.count), .blob(data)])
    }
}
