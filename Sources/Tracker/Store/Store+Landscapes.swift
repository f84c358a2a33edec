import Foundation

/// Loss landscapes of a run (`tracker landscape`): written once, read by `show`, the UI and
/// reports, which draw them without recomputing.
extension Store {
    /// Stores a landscape of `record.runID` and returns its id.
    /// - Throws: `TrackerError.invalidArgument` when the grid's sizes do not fit together.
    @discardableResult
    public func recordLandscape(_ record: LandscapeRecord) throws -> Int64 {
        try requireWritable()
        let expected = record.kind == .plane ? record.grid.multipliedReportingOverflow(by: record.grid) : (partialValue: record.grid, overflow: false)
        guard record.grid >= 2, !expected.overflow, record.loss.count == expected.partialValue,
              record.accuracy.map({ $0.count == record.loss.count }) ?? true else {
            throw TrackerError.invalidArgument("a \(record.kind.rawValue) landscape of grid \(record.grid) needs \(expected.partialValue) loss values, got \(record.loss.count)")
        }
        let ref = try record.runID.runRef(in: self)
        let curvature = record.curvature
        let trajectory = record.trajectory.flatMap { [Double($0.step), $0.x, $0.y] }
        try db.run("""
            INSERT INTO landscapes (run_seq, kind, checkpoint_step, checkpoint_kind, checkpoint_sha256, end_run_id, end_checkpoint_step,
                end_checkpoint_sha256, normalization, direction_seed, subset_size, subset_fingerprint, grid, span, loss, accuracy,
                trajectory, nonconvex_share, nonconvex_threshold, points_per_second, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [
                .integer(ref.seq), .text(record.kind.rawValue), .int(record.checkpointStep), .text(record.checkpointKind),
                .text(record.checkpointSHA256), .optional(record.endRunID), .optional(record.endCheckpointStep),
                .optional(record.endCheckpointSHA256), .text(record.normalization), .integer(Int64(bitPattern: record.directionSeed)),
                .int(record.subsetSize), .text(record.subsetFingerprint), .int(record.grid), .real(record.span),
                .blob(FloatBlob.encode(record.loss)), record.accuracy.map { .blob(FloatBlob.encode($0)) } ?? .null,
                trajectory.isEmpty ? .null : .blob(FloatBlob.encode(trajectory)),
                curvature.map { $0.nonConvexShare.isFinite ? .real($0.nonConvexShare) : .null } ?? .null,
                curvature == nil ? .null : .real(LandscapeCurvature.threshold),
                .real(record.pointsPerSecond), .real(record.createdAt),
            ])
        return db.lastInsertRowID
    }

    /// The landscapes of a run, oldest first.
    public func landscapes(run: some RunIdentifier) throws -> [LandscapeRecord] {
        let ref = try run.runRef(in: self)
        // A read-only viewer of a file from before migration 4 has no landscapes table: none recorded.
        guard try db.tableExists("landscapes") else { return [] }
        return try db.query("""
            SELECT id, kind, checkpoint_step, checkpoint_kind, checkpoint_sha256, end_run_id, end_checkpoint_step, end_checkpoint_sha256,
                normalization, direction_seed, subset_size, subset_fingerprint, grid, span, loss, accuracy, trajectory,
                points_per_second, created_at
            FROM landscapes WHERE run_seq = ? ORDER BY id
            """, [.integer(ref.seq)]) { row in
            let triples = row.isNull(16) ? [] : FloatBlob.doubles(row.blob(16))
            let trajectory = stride(from: 0, to: triples.count - triples.count % 3, by: 3).compactMap { k -> LandscapeRecord.TrajectoryPoint? in
                guard let step = Int(exactly: triples[k]) else { return nil }
                return .init(step: step, x: triples[k + 1], y: triples[k + 2])
            }
            var r = LandscapeRecord(
                runID: ref.id, kind: LandscapeRecord.Kind(rawValue: row.text(1)) ?? .plane, checkpointStep: Int(row.int(2)),
                checkpointKind: row.text(3), checkpointSHA256: row.text(4), endRunID: row.optionalText(5),
                endCheckpointStep: row.optionalInt(6).map { Int($0) }, endCheckpointSHA256: row.optionalText(7),
                normalization: row.text(8), directionSeed: UInt64(bitPattern: row.int(9)), subsetSize: Int(row.int(10)),
                subsetFingerprint: row.text(11), grid: Int(row.int(12)), span: row.double(13), loss: FloatBlob.doubles(row.blob(14)),
                accuracy: row.isNull(15) ? nil : FloatBlob.doubles(row.blob(15)), trajectory: trajectory,
                pointsPerSecond: row.double(17), createdAt: row.double(18))
            r.id = row.int(0)
            return r
        }
    }
}
