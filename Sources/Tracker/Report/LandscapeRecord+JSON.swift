/// The JSON form of a stored landscape (`tracker landscape --format json`, `show`, the UI's API).
extension LandscapeRecord {
    public var json: JSONValue {
        func number(_ v: Double?) -> JSONValue { v.flatMap { $0.isFinite ? .double($0) : nil } ?? .null }
        let curvature = self.curvature
        return .object([
            "id": id.map { .int($0) } ?? .null, "run": .string(runID), "kind": .string(kind.rawValue),
            "checkpoint": .object(["step": .int(Int64(checkpointStep)), "kind": .string(checkpointKind), "sha256": .string(checkpointSHA256)]),
            "end": endRunID.map { run in
                .object(["run": .string(run), "step": endCheckpointStep.map { .int(Int64($0)) } ?? .null,
                         "sha256": endCheckpointSHA256.map { .string($0) } ?? .null])
            } ?? .null,
            "normalization": .string(normalization), "direction_seed": .string(String(directionSeed)),
            "subset": .object(["size": .int(Int64(subsetSize)), "fingerprint": .string(subsetFingerprint)]),
            "grid": .int(Int64(grid)), "span": .double(span),
            "coordinates": .array((0..<grid).map { .double(coordinate($0)) }),
            "loss": .array(loss.map(number)), "accuracy": accuracy.map { .array($0.map(number)) } ?? .null,
            "centre_loss": number(centreLoss),
            "trajectory": .array(trajectory.map { .object(["step": .int(Int64($0.step)), "x": number($0.x), "y": number($0.y)]) }),
            "nonconvex_share": number(curvature?.nonConvexShare),
            "nonconvex_threshold": curvature == nil ? .null : .double(LandscapeCurvature.threshold),
            "flat_share": number(curvature?.flatShare),
            "points_per_second": number(pointsPerSecond),
        ])
    }
}
