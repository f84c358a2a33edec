/// Layer normalisation over each sample's features (Ba, Kiros & Hinton, 2016).
///
/// For every row, `y = γ (x − μ) / √(σ² + ε) + β` with the row's mean and biased
/// variance: the same computation in training and evaluation, independent of the rest
/// of the batch. Shapes: input and output [batch, width]; γ and β [width].
public final class LayerNorm: Layer {
    public let kind = "layer_norm"
    public let inputWidth: Int
    public var outputWidth: Int { inputWidth }
    public let epsilon: Float
    public let scale: Parameter
    public let shift: Parameter

    private var normalized: Tensor?
    private var output: Tensor?
    private var gradInput: Tensor?
    private var inverseStd: [Float] = []

    public init(width: Int, epsilon: Float = 1e-5) {
        inputWidth = width
        self.epsilon = epsilon
        scale = Parameter(name: "weight", role: .normScale, value: Tensor(shape: [width], repeating: 1))
        shift = Parameter(name: "bias", role: .normShift, value: Tensor(zeros: [width]))
    }

    public var parameters: [Parameter] { [scale, shift] }

    public func forward(_ input: Tensor, context: inout PassContext) -> Tensor {
        precondition(input.columns == inputWidth, "LayerNorm expects width \(inputWidth), got \(input.shape)")
        let batch = input.rows, w = inputWidth
        let xhat = Tensor.reusing(normalized, shape: input.shape)
        let out = Tensor.reusing(output, shape: input.shape)
        normalized = xhat; output = out
        if inverseStd.count < batch { inverseStd = [Float](repeating: 0, count: batch) }
        let gamma = scale.value.data, beta = shift.value.data, n = Float(w)
        inverseStd.withUnsafeMutableBufferPointer { istd in
            for r in 0..<batch {
                let x = input.data + r * w, h = xhat.data + r * w, y = out.data + r * w
                var mean: Float = 0
                for c in 0..<w { mean += x[c] }
                mean /= n
                var variance: Float = 0
                for c in 0..<w { let d = x[c] - mean; variance += d * d }
                let inv = 1 / (variance / n + epsilon).squareRoot()
                istd[r] = inv
                for c in 0..<w {
                    h[c] = (x[c] - mean) * inv
                    y[c] = gamma[c] * h[c] + beta[c]
                }
            }
        }
        return out
    }

    public func backward(_ gradOutput: Tensor, needsInputGradient: Bool) -> Tensor? {
        guard let xhat = normalized else { preconditionFailure("LayerNorm.backward before forward") }
        precondition(gradOutput.shape == xhat.shape)
        let batch = xhat.rows, w = inputWidth
        let dGamma = scale.gradient.data, dBeta = shift.gradient.data, gamma = scale.value.data
        dGamma.update(repeating: 0, count: w)
        dBeta.update(repeating: 0, count: w)
        for r in 0..<batch {
            let g = gradOutput.data + r * w, h = xhat.data + r * w
            for c in 0..<w { dBeta[c] += g[c]; dGamma[c] += g[c] * h[c] }
        }
        guard needsInputGradient else { return nil }
        let gx = Tensor.reusing(gradInput, shape: xhat.shape)
        gradInput = gx
        let n = Float(w)
        inverseStd.withUnsafeBufferPointer { istd in
            for r in 0..<batch {
                let g = gradOutput.data + r * w, h = xhat.data + r * w, d = gx.data + r * w
                var sum: Float = 0, dot: Float = 0
                for c in 0..<w { let gh = g[c] * gamma[c]; sum += gh; dot += gh * h[c] }
                let k = istd[r] / n
                for c in 0..<w { d[c] = k * (n * g[c] * gamma[c] - sum - h[c] * dot) }
            }
        }
        return gx
    }
}
