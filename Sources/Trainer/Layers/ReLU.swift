/// The rectifier `y = max(x, 0)`, element-wise; the gradient passes where `y > 0`.
public final class ReLU: ActivationStatisticsSource {
    public let kind = "relu"
    public let inputWidth: Int
    public var outputWidth: Int { inputWidth }
    private var output: Tensor?
    private var gradInput: Tensor?
    private var scratch: [Float] = []

    public init(width: Int) { inputWidth = width }

    public func forward(_ input: Tensor, context: inout PassContext) -> Tensor {
        precondition(input.columns == inputWidth, "ReLU expects width \(inputWidth), got \(input.shape)")
        let out = Tensor.reusing(output, shape: input.shape)
        output = out
        let x = input.data, y = out.data
        for i in 0..<input.count { y[i] = x[i] > 0 ? x[i] : 0 }
        return out
    }

    public func backward(_ gradOutput: Tensor, needsInputGradient: Bool) -> Tensor? {
        guard needsInputGradient else { return nil }
        guard let output else { preconditionFailure("ReLU.backward before forward") }
        precondition(gradOutput.shape == output.shape)
        let gx = Tensor.reusing(gradInput, shape: output.shape)
        gradInput = gx
        let y = output.data, g = gradOutput.data, d = gx.data
        for i in 0..<output.count { d[i] = y[i] > 0 ? g[i] : 0 }
        return gx
    }

    public func activationStatistics() -> ActivationStatistics? {
        output.map { ActivationStatistics.relu(kind: kind, output: $0, scratch: &scratch) }
    }
}
