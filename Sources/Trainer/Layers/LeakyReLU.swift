import CKernels
/// The leaky rectifier `y = x` for `x > 0`, else `slope · x` (default slope 0.01, as PyTorch).
public final class LeakyReLU: ActivationStatisticsSource {
    public let kind = "leaky_relu"
    public let inputWidth: Int
    public var outputWidth: Int { inputWidth }
    /// The negative-side slope.
    public let slope: Float
    private var input: Tensor?
    private var output: Tensor?
    private var gradInput: Tensor?
    private var scratch: [Float] = []

    public init(width: Int, slope: Float = 0.01) {
        inputWidth = width
        self.slope = slope
    }

    public func forward(_ input: Tensor, context: inout PassContext) -> Tensor {
        precondition(input.columns == inputWidth, "LeakyReLU expects width \(inputWidth), got \(input.shape)")
        self.input = input
        let out = Tensor.reusing(output, shape: input.shape)
        output = out
        let x = input.data, y = out.data, a = slope
        tracker_leaky_relu_forward(x, y, input.count, a)  // y = x > 0 ? x : a · x (C, vectorised)
        return out
    }

    public func backward(_ gradOutput: Tensor, needsInputGradient: Bool) -> Tensor? {
        guard needsInputGradient else { return nil }
        guard let input else { preconditionFailure("LeakyReLU.backward before forward") }
        precondition(gradOutput.shape == input.shape)
        let gx = Tensor.reusing(gradInput, shape: input.shape)
        gradInput = gx
        let x = input.data, g = gradOutput.data, d = gx.data, a = slope
        tracker_leaky_relu_backward(x, g, d, input.count, a)  // d = x > 0 ? g : a · g
        return gx
    }

    public func activationStatistics() -> ActivationStatistics? {
        guard let input else { return nil }
        return ActivationStatistics.relu(kind: kind, output: input, scratch: &scratch)
    }
}
