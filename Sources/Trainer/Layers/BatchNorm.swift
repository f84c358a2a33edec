import CKernels
/// Batch normalisation over the batch dimension (Ioffe & Szegedy, 2015).
///
/// Training: per feature, the batch mean μ and biased variance σ² normalise the input,
/// `y = γ (x − μ) / √(σ² + ε) + β`, and the running statistics move by `momentum`
/// (PyTorch's convention: `running = (1 − m) · running + m · batch`, with the unbiased
/// variance). Evaluation: the running statistics replace the batch's and nothing moves —
/// unless the context asks for `batchStatistics`, which normalises with the batch's own
/// statistics (as in training) and still moves nothing.
/// γ and β are trainable; the running mean and variance are state, not parameters.
/// Shapes: input and output [batch, width]; γ, β, running stats [width].
public final class BatchNorm: Layer {
    public let kind = "batch_norm"
    public let inputWidth: Int
    public var outputWidth: Int { inputWidth }
    public let momentum: Float
    public let epsilon: Float
    public let scale: Parameter
    public let shift: Parameter
    public let runningMean: Tensor
    public let runningVariance: Tensor

    private var normalized: Tensor?
    private var output: Tensor?
    private var gradInput: Tensor?
    private var inverseStd: [Float]
    private var columnA: [Float]
    private var columnB: [Float]
    private var lastWasTraining = true

    public init(width: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        inputWidth = width
        self.momentum = momentum
        self.epsilon = epsilon
        scale = Parameter(name: "weight", role: .normScale, value: Tensor(shape: [width], repeating: 1))
        shift = Parameter(name: "bias", role: .normShift, value: Tensor(zeros: [width]))
        runningMean = Tensor(zeros: [width])
        runningVariance = Tensor(shape: [width], repeating: 1)
        inverseStd = [Float](repeating: 0, count: width)
        columnA = inverseStd
        columnB = inverseStd
    }

    public var parameters: [Parameter] { [scale, shift] }
    public var state: [NamedTensor] {
        [NamedTensor(name: "running_mean", tensor: runningMean),
         NamedTensor(name: "running_var", tensor: runningVariance)]
    }

    public func forward(_ input: Tensor, context: inout PassContext) -> Tensor {
        precondition(input.columns == inputWidth, "BatchNorm expects width \(inputWidth), got \(input.shape)")
        let batch = input.rows, w = inputWidth
        let xhat = Tensor.reusing(normalized, shape: input.shape)
        let out = Tensor.reusing(output, shape: input.shape)
        normalized = xhat; output = out
        let useBatch = context.training || context.batchStatistics
        lastWasTraining = useBatch
        let x = input.data, xh = xhat.data, y = out.data
        let gamma = scale.value.data, beta = shift.value.data
        inverseStd.withUnsafeMutableBufferPointer { istd in
        columnA.withUnsafeMutableBufferPointer { meanBuf in
        columnB.withUnsafeMutableBufferPointer { varBuf in
            let inv = istd.baseAddress!, mean = meanBuf.baseAddress!, variance = varBuf.baseAddress!
            if useBatch && batch > 0 {
                // Column sums in row order (C, vectorised across columns).
                tracker_column_mean_variance(x, batch, w, mean, variance)
                let n = Float(batch)
                if context.training {
                    let m = momentum, unbias = n / Swift.max(n - 1, 1)
                    let rm = runningMean.data, rv = runningVariance.data
                    for c in 0..<w {
                        rm[c] = (1 - m) * rm[c] + m * mean[c]
                        rv[c] = (1 - m) * rv[c] + m * variance[c] * unbias
                    }
                }
            } else {
                mean.update(from: runningMean.data, count: w)
                variance.update(from: runningVariance.data, count: w)
            }
            for c in 0..<w { inv[c] = 1 / (variance[c] + epsilon).squareRoot() }
            tracker_batchnorm_normalize(x, batch, w, mean, inv, gamma, beta, xh, y)
        }}}
        return out
    }

    public func backward(_ gradOutput: Tensor, needsInputGradient: Bool) -> Tensor? {
        guard let xhat = normalized else { preconditionFailure("BatchNorm.backward before forward") }
        precondition(gradOutput.shape == xhat.shape)
        let batch = xhat.rows, w = inputWidth
        let g = gradOutput.data, xh = xhat.data
        let dGamma = scale.gradient.data, dBeta = shift.gradient.data, gamma = scale.value.data
        tracker_batchnorm_parameter_gradients(g, xh, batch, w, dGamma, dBeta)
        guard needsInputGradient else { return nil }
        let gx = Tensor.reusing(gradInput, shape: xhat.shape)
        gradInput = gx
        let d = gx.data, n = Float(batch), training = lastWasTraining
        inverseStd.withUnsafeBufferPointer { istd in
        columnA.withUnsafeMutableBufferPointer { kBuf in
            let inv = istd.baseAddress!, k = kBuf.baseAddress!
            for c in 0..<w { k[c] = gamma[c] * inv[c] / n }
            tracker_batchnorm_input_gradient(g, xh, batch, w, k, dBeta, dGamma, n, training ? 1 : 0, d)
        }}
        return gx
    }
}
