import CKernels
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
        tracker_leaky_relu_forward(x, y, input.count, 0)  // y = x > 0 ? x : 0 (C, vectorised)
        return out
    }

    public func backward(_ gradOutput: Tensor, needsInputGradient: Bool) -> Tensor? {
        guard needsInputGradient else { return nil }
        guard let output else { preconditionFailure("ReLU.backward before forward") }
        precondition(gradOutput.shape == output.shape)
        let gx = Tensor.reusing(gradInput, shape: output.shape)
        gradInput = gx
        let y = output.data, g = gradOutput.data, d = gx.data
        tracker_leaky_relu_backward(y, g, d, output.count, 0)  // d = y > 0 ? g : 0
        return gx
    }

    public func activationStatistics() -> ActivationStatistics? {
        output.map { ActivationStatistics.relu(kind: kind, output: $0, scratch: &scratch) }
    }
}
