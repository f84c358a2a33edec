import CKernels
/// The logistic function `y = 1 / (1 + e^(−x))`, element-wise; `∂y/∂x = y (1 − y)`.
public final class Sigmoid: ActivationStatisticsSource {
    public let kind = "sigmoid"
    public let inputWidth: Int
    public var outputWidth: Int { inputWidth }
    private var output: Tensor?
    private var gradInput: Tensor?

    public init(width: Int) { inputWidth = width }

    public func forward(_ input: Tensor, context: inout PassContext) -> Tensor {
        precondition(input.columns == inputWidth, "Sigmoid expects width \(inputWidth), got \(input.shape)")
        let out = Tensor.reusing(output, shape: input.shape)
        output = out
        VectorMath.sigmoid(input.data, out.data, count: input.count)
        return out
    }

    public func backward(_ gradOutput: Tensor, needsInputGradient: Bool) -> Tensor? {
        guard needsInputGradient else { return nil }
        guard let output else { preconditionFailure("Sigmoid.backward before forward") }
        precondition(gradOutput.shape == output.shape)
        let gx = Tensor.reusing(gradInput, shape: output.shape)
        gradInput = gx
        let y = output.data, g = gradOutput.data, d = gx.data
        tracker_sigmoid_backward(y, g, d, output.count)  // d = g · y · (1 − y) (C, vectorised)
        return gx
    }

    public func activationStatistics() -> ActivationStatistics? {
        output.map { ActivationStatistics.saturating(kind: kind, output: $0, low: 0.01, high: 0.99) }
    }
}
