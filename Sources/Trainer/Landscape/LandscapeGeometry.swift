/// The points of a landscape in weight space, as values of every tensor the model holds
/// (its parameters, then its state, in model order).
///
/// A plane is θ(α, β) = θ₀ + α·δ + β·η, at α, β on the grid's coordinates; tensors without a
/// direction (an empty array: biases, normalisation parameters, running statistics) stay θ₀.
/// A line is θ(t) = (1 − t)·θ_A + t·θ_B over every tensor, BatchNorm's running statistics
/// included (a convex combination keeps variances positive), so both ends are exactly the two
/// checkpoints.
enum LandscapeGeometry: Sendable {
    case plane(base: [[Float]], x: [[Float]], y: [[Float]], coordinates: [Double])
    case line(start: [[Float]], end: [[Float]], coordinates: [Double])

    /// The number of points.
    var count: Int {
        switch self {
        case .plane(_, _, _, let c): return c.count * c.count
        case .line(_, _, let c): return c.count
        }
    }

    /// The tensors' values at all points share these sizes.
    var sizes: [Int] {
        switch self {
        case .plane(let base, _, _, _): return base.map(\.count)
        case .line(let start, _, _): return start.map(\.count)
        }
    }

    /// Writes tensor `k`'s value at point `p` into `out` (of `sizes[k]` elements).
    func fill(point p: Int, tensor k: Int, into out: UnsafeMutableBufferPointer<Float>) {
        switch self {
        case .plane(let base, let x, let y, let c):
            let a = Float(c[p / c.count]), b = Float(c[p % c.count])
            let t0 = base[k], dx = x[k], dy = y[k]
            guard dx.count == t0.count, dy.count == t0.count else {
                for e in t0.indices { out[e] = t0[e] }
                return
            }
            for e in t0.indices { out[e] = t0[e] + a * dx[e] + b * dy[e] }
        case .line(let start, let end, let c):
            let t = Float(c[p]), s = 1 - t
            let u = start[k], v = end[k]
            for e in u.indices { out[e] = s * u[e] + t * v[e] }
        }
    }
}
