/// Random directions in weight space, filter-normalised as in Li et al. (NeurIPS 2018,
/// "Visualizing the Loss Landscape of Neural Nets", §4; reference code
/// tomgoldstein/loss-landscape `net_plotter.py`, `normalize_directions_for_weights` with
/// `norm='filter'`, `ignore='biasbn'`).
///
/// For a Dense weight W [inputWidth, outputWidth] a *filter* is one neuron: the column of
/// its incoming weights. Each column d_j of a Gaussian direction is rescaled to the norm of
/// that neuron's weights: d_j ← d_j · ‖w_j‖ / (‖d_j‖ + 1e-10). Every other parameter
/// (biases, normalisation γ/β, PReLU slopes) gets a zero direction, and the running statistics
/// of BatchNorm are kept as in the checkpoint. A step of 1 along a direction thus moves each
/// neuron by its own weights' norm: Li et al.'s remedy for the scale invariance of ReLU and
/// BatchNorm nets, which otherwise makes the planes of two nets incomparable.
public enum LandscapeDirections {
    /// The normalisation written beside a stored landscape.
    public static let normalization = "filter"

    /// One direction a parameter (same order and shapes, row-major); zeros where the role is
    /// not `.weight`. Gaussians are drawn from `random` for the weight matrices only, in model
    /// order and row-major, so a seed names one direction.
    public static func filterNormalized(_ parameters: [Parameter], random: inout RandomStream) -> [[Float]] {
        parameters.map { p in
            let w = p.value
            guard p.role == .weight, w.shape.count == 2 else { return [Float](repeating: 0, count: w.count) }
            var d = [Float](repeating: 0, count: w.count)
            for k in d.indices { d[k] = Float(random.nextGaussian()) }
            normalizeColumns(&d, like: Array(w.buffer), rows: w.shape[0], columns: w.shape[1])
            return d
        }
    }

    /// Rescales each column of `d` (row-major `rows × columns`) to the norm of the same
    /// column of `w`, in Double.
    public static func normalizeColumns(_ d: inout [Float], like w: [Float], rows: Int, columns: Int) {
        guard d.count == rows * columns, w.count == d.count else { return }
        for j in 0..<columns {
            var dn = 0.0, wn = 0.0
            for i in 0..<rows {
                let dv = Double(d[i * columns + j]), wv = Double(w[i * columns + j])
                dn += dv * dv
                wn += wv * wv
            }
            let scale = Float(wn.squareRoot() / (dn.squareRoot() + 1e-10))
            for i in 0..<rows { d[i * columns + j] *= scale }
        }
    }
}
