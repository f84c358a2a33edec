import Tracker

/// Projects parameter vectors onto the plane θ₀ + α·δ + β·η by least squares (the two random
/// directions are nearly, not exactly, orthogonal): (α, β) solves the 2×2 normal equations
/// of [δ η]·(α, β) ≈ θ − θ₀.
///
/// Li et al. (§7) warn that random directions are almost orthogonal to an optimisation path,
/// so a trajectory drawn this way stays near the centre; it is drawn because it is cheap, not
/// because it shows the path's shape.
struct LandscapeProjection {
    let base: [[Float]]
    let x: [[Float]]
    let y: [[Float]]

    /// At most this many checkpoints are projected (the newest; each one is a payload read).
    static let maxCheckpoints = 200

    /// (α, β) of `values`, or nil when the directions are degenerate.
    func coordinates(of values: [[Float]]) -> (Double, Double)? {
        var xx = 0.0, xy = 0.0, yy = 0.0, xd = 0.0, yd = 0.0
        for k in base.indices where k < values.count && values[k].count == base[k].count {
            let b = base[k], v = values[k], dx = x[k], dy = y[k]
            for e in b.indices {
                let d = Double(v[e]) - Double(b[e]), a = Double(dx[e]), c = Double(dy[e])
                xx += a * a; xy += a * c; yy += c * c
                xd += a * d; yd += c * d
            }
        }
        let det = xx * yy - xy * xy
        guard det.isFinite, det > 1e-12 * max(1, xx * yy) else { return nil }
        return ((yy * xd - xy * yd) / det, (xx * yd - xy * xd) / det)
    }

    /// The run's checkpoints (by step) on the plane.
    func project(checkpoints: [CheckpointInfo], loading: (CheckpointInfo) throws -> [[Float]]) throws -> [LandscapeRecord.TrajectoryPoint] {
        var seen = Set<String>()
        let chosen = checkpoints.sorted { ($0.step, $0.id) < ($1.step, $1.id) }.filter { seen.insert($0.sha256).inserted }
        return try chosen.suffix(Self.maxCheckpoints).compactMap { info in
            coordinates(of: try loading(info)).map { LandscapeRecord.TrajectoryPoint(step: info.step, x: $0.0, y: $0.1) }
        }
    }
}
