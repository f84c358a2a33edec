import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The hyperbolic tangent, element-wise; `∂y/∂x = 1 − y²`.
public final class Tanh: ActivationStatisticsSource {
    public let kind = "tanh"
    public let inputWidth: Int
    public var outputWidth: Int { inputWidth }
    private var output: Tensor?
    private var gradInput: Tensor?

    public init(width: Int) { inputWidth = width }

    public func forward(_ input: Tensor, context: inout PassContext) -> Tensor {
        precondition(input.columns == inputWidth, "Tanh expects width \(inputWidth), got \(input.shape)")
        let out = Tensor.reusing(output, shape: input.shape)
        output = out
        let x = input.data, y = out.data
        for i in 0..<input.count { y[i] = tanhf(x[i]) }
        return out
    }

    public func backward(_ gradOutput: Tensor, needsInputGradient: Bool) -> Tensor? {
        guard needsInputGradient else { return nil }
        guard let output else { preconditionFailure("Tanh.backward before forward") }
        precondition(gradOutput.shape == output.shape)
        let gx = Tensor.reusing(gradInput, shape: output.shape)
        gradInput = gx
        let y = output.data, g = gradOutput.data, d = gx.data
        tracker_tanh_backward(y, g, d, output.count)  // d = g · (1 − y · y) (C, vectorised)
        return gx
    }

    public func activationStatistics() -> ActivationStatistics? {
        output.map { ActivationStatistics.saturating(kind: kind, output: $0, low: -0.99, high: 0.99) }
    }
}
