/// A fully connected layer: `y = x · W + b`.
///
/// Shapes: input [batch, inputWidth], weight W [inputWidth, outputWidth], bias b
/// [outputWidth], output [batch, outputWidth]. Products run through `cblas_sgemm`; the
/// bias gradient is a column sum through `sgemv`. Initialisation: see `Initialization`.
public final class Dense: Layer {
    public let kind = "dense"
    public let inputWidth: Int
    public let outputWidth: Int
    public let weight: Parameter
    public let bias: Parameter?

    private var input: Tensor?
    private var output: Tensor?
    private var gradInput: Tensor?
    private let ones = OnesVector()

    /// A layer initialised by `initialization` from `random` (the init stream).
    public init(
        inputWidth: Int, outputWidth: Int, bias: Bool = true,
        initialization: Initialization = .xavierUniform, random: inout RandomStream
    ) {
        precondition(inputWidth > 0 && outputWidth > 0, "Dense widths must be positive")
        self.inputWidth = inputWidth
        self.outputWidth = outputWidth
        weight = Parameter(name: "weight", role: .weight, value: Tensor(zeros: [inputWidth, outputWidth]))
        self.bias = bias ? Parameter(name: "bias", role: .bias, value: Tensor(zeros: [outputWidth])) : nil
        initialization.fill(weight: weight.value, bias: self.bias?.value, random: &random)
    }

    public var parameters: [Parameter] { bias.map { [weight, $0] } ?? [weight] }

    public func forward(_ input: Tensor, context: inout PassContext) -> Tensor {
        precondition(input.shape.count == 2 && input.columns == inputWidth,
                     "Dense expects [batch, \(inputWidth)], got \(input.shape)")
        self.input = input
        let batch = input.rows
        let out = Tensor.reusing(output, shape: [batch, outputWidth])
        output = out
        if let bias {
            let b = bias.value.data, y = out.data, n = outputWidth
            for r in 0..<batch { (y + r * n).update(from: b, count: n) }
            BLAS.gemm(input, weight.value, into: out, beta: 1)
        } else {
            BLAS.gemm(input, weight.value, into: out, beta: 0)
        }
        return out
    }

    public func backward(_ gradOutput: Tensor, needsInputGradient: Bool) -> Tensor? {
        guard let input else { preconditionFailure("Dense.backward before forward") }
        precondition(gradOutput.shape == [input.rows, outputWidth], "Dense gradient shape \(gradOutput.shape)")
        BLAS.gemm(input, transposeA: true, gradOutput, into: weight.gradient)
        if let bias {
            BLAS.columnSums(gradOutput, ones: ones.pointer(count: gradOutput.rows), into: bias.gradient.data)
        }
        guard needsInputGradient else { return nil }
        let gx = Tensor.reusing(gradInput, shape: [input.rows, inputWidth])
        gradInput = gx
        BLAS.gemm(gradOutput, weight.value, transposeB: true, into: gx)
        return gx
    }
}
