/// Reading checkpoints back: by run, by step, by id, and their bytes verified against their
/// SHA-256 (writing is `RecordWriter+Checkpoint`).
extension Store {
    /// Checkpoints of a run by step.
    public func checkpoints(run: some RunIdentifier) throws -> [CheckpointInfo] {
        let ref = try run.runRef(in: self)
        let seq = ref.seq
        return try db.query("SELECT id, step, epoch, kind, blob_sha256, size, created_at FROM checkpoints WHERE run_seq = ? ORDER BY step, id", [.integer(seq)]) {
            CheckpointInfo(id: $0.int(0), runID: ref.id, step: Int($0.int(1)), epoch: $0.optionalInt(2).map { Int($0) },
                           kind: CheckpointKind(rawValue: $0.text(3)) ?? .periodic, sha256: $0.text(4), size: Int($0.int(5)), createdAt: $0.double(6))
        }
    }

    /// The checkpoint with the highest step (the latest written among equals).
    public func latestCheckpoint(run: some RunIdentifier) throws -> CheckpointInfo? {
        try checkpoints(run: run.runRef(in: self)).max { ($0.step, $0.id) < ($1.step, $1.id) }
    }

    /// The checkpoint at `step` (the latest written, if several).
    public func checkpoint(run: some RunIdentifier, step: Int) throws -> CheckpointInfo {
        let ref = try run.runRef(in: self)
        guard let c = try checkpoints(run: ref).last(where: { $0.step == step }) else {
            throw TrackerError.checkpointNotFound(run: ref.id, detail: "at step \(step)")
        }
        return c
    }

    /// A checkpoint by its id.
    public func checkpoint(id: Int64) throws -> CheckpointInfo? {
        guard let run = try db.first("SELECT r.seq, r.id FROM checkpoints c JOIN runs r ON r.seq = c.run_seq WHERE c.id = ?", [.integer(id)], {
            RunRef(seq: $0.int(0), id: $0.text(1))
        }) else { return nil }
        return try checkpoints(run: run).first { $0.id == id }
    }

    /// The bytes of a checkpoint, verified against their SHA-256.
    public func checkpointData(_ info: CheckpointInfo) throws -> [UInt8] {
        guard let bytes = try db.first("SELECT data FROM blobs WHERE sha256 = ?", [.text(info.sha256)], { $0.blob(0) }) else {
            throw TrackerError.checkpointNotFound(run: info.runID, detail: "blob \(info.sha256)")
        }
        let actual = SHA256.hex(bytes)
        guard actual == info.sha256, bytes.count == info.size else {
            throw TrackerError.checkpointCorrupt(id: info.id, expected: info.sha256, actual: actual)
        }
        return bytes
    }
}
