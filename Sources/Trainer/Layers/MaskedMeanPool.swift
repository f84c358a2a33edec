/// The mean over the real positions of a padded sequence: `y = Σ_p m_p x_p / Σ_p m_p`.
///
/// Rows hold a sequence and its mask (`SequenceShape`): `[x₀ … x_{L−1} | m₀ … m_{L−1}]`
/// with `x_p` of `features` values and m_p = 1 for a real token, 0 for a pad, so pads never
/// reach the output. The mask is read as weights (the formula above, differentiable in m
/// too); a row whose weights sum to 0 or less pools to zeros and passes no gradient.
///
/// Shapes: input [B, L·(features + 1)], output [B, features]. Gradients:
/// `∂L/∂x_p = m_p g / Σm` and `∂L/∂m_p = ⟨g, x_p − y⟩ / Σm`.
public final class MaskedMeanPool: Layer {
    public let kind = "masked_mean"
    public let length: Int
    public let features: Int

    private var input: Tensor?
    private var output: Tensor?
    private var gradInput: Tensor?
    /// 1 / Σm of each row of the last batch (0 for a row without real positions).
    private var inverseCount: [Float] = []

    public init(length: Int, features: Int) {
        precondition(length > 0 && features > 0, "MaskedMeanPool needs positions and features")
        self.length = length
        self.features = features
    }

    public var inputWidth: Int { length * (features + 1) }
    public var outputWidth: Int { features }

    public func forward(_ input: Tensor, context: inout PassContext) -> Tensor {
        precondition(input.shape.count == 2 && input.columns == inputWidth,
                     "MaskedMeanPool expects [batch, \(inputWidth)], got \(input.shape)")
        self.input = input
        let b = input.rows, l = length, d = features, width = inputWidth
        let out = Tensor.reusing(output, shape: [b, d])
        output = out
        if inverseCount.count < b { inverseCount = [Float](repeating: 0, count: b) }
        inverseCount.withUnsafeMutableBufferPointer { inv in
            for r in 0..<b {
                let x = input.data + r * width, m = x + l * d, y = out.data + r * d
                var total: Float = 0
                for p in 0..<l { total += m[p] }
                y.update(repeating: 0, count: d)
                guard total > 0 else { inv[r] = 0; continue }
                for p in 0..<l where m[p] != 0 {
                    let w = m[p], xp = x + p * d
                    for j in 0..<d { y[j] += w * xp[j] }
                }
                let k = 1 / total
                inv[r] = k
                for j in 0..<d { y[j] *= k }
            }
        }
        return out
    }

    public func backward(_ gradOutput: Tensor, needsInputGradient: Bool) -> Tensor? {
        guard needsInputGradient else { return nil }
        guard let input, let output else { preconditionFailure("MaskedMeanPool.backward before forward") }
        let b = input.rows, l = length, d = features, width = inputWidth
        precondition(gradOutput.shape == [b, d], "MaskedMeanPool gradient shape \(gradOutput.shape)")
        let gx = Tensor.reusing(gradInput, shape: [b, width])
        gradInput = gx
        inverseCount.withUnsafeBufferPointer { inv in
            for r in 0..<b {
                let x = input.data + r * width, m = x + l * d
                let g = gradOutput.data + r * d, y = output.data + r * d
                let gxr = gx.data + r * width, gm = gxr + l * d
                let k = inv[r]
                for p in 0..<l {
                    let xp = x + p * d, gp = gxr + p * d, w = m[p] * k
                    var dot: Float = 0
                    for j in 0..<d {
                        gp[j] = w * g[j]
                        dot += g[j] * (xp[j] - y[j])
                    }
                    gm[p] = k * dot
                }
            }
        }
        return gx
    }
}
