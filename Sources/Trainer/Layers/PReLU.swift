/// The parametric rectifier (He et al., 2015): `y = x` for `x > 0`, else `a · x` with a
/// learned slope `a`, one per unit ([width]) or shared by all units ([1]).
///
/// Gradients: `∂L/∂x = g` where `x > 0`, else `a · g`; `∂L/∂a = Σ g · x` over the
/// elements with `x ≤ 0` (summed over the batch, and over units when shared).
public final class PReLU: ActivationStatisticsSource {
    public let kind = "prelu"
    public let inputWidth: Int
    public var outputWidth: Int { inputWidth }
    /// The slopes, [width] or [1].
    public let slope: Parameter
    public var shared: Bool { slope.value.count == 1 }
    private var input: Tensor?
    private var output: Tensor?
    private var gradInput: Tensor?
    private var scratch: [Float] = []

    public init(width: Int, shared: Bool = false, initialSlope: Float = 0.25) {
        inputWidth = width
        slope = Parameter(name: "slope", role: .slope,
                          value: Tensor(shape: [shared ? 1 : width], repeating: initialSlope))
    }

    public var parameters: [Parameter] { [slope] }

    public func forward(_ input: Tensor, context: inout PassContext) -> Tensor {
        precondition(input.columns == inputWidth, "PReLU expects width \(inputWidth), got \(input.shape)")
        self.input = input
        let out = Tensor.reusing(output, shape: input.shape)
        output = out
        let w = inputWidth, a = slope.value.data, shared = self.shared
        for r in 0..<input.rows {
            let x = input.data + r * w, y = out.data + r * w
            for c in 0..<w {
                let s = shared ? a[0] : a[c]
                y[c] = x[c] > 0 ? x[c] : s * x[c]
            }
        }
        return out
    }

    public func backward(_ gradOutput: Tensor, needsInputGradient: Bool) -> Tensor? {
        guard let input else { preconditionFailure("PReLU.backward before forward") }
        precondition(gradOutput.shape == input.shape)
        let w = inputWidth, a = slope.value.data, ga = slope.gradient.data, shared = self.shared
        var perUnit = [Double](repeating: 0, count: w)
        let gx = needsInputGradient ? Tensor.reusing(gradInput, shape: input.shape) : nil
        if let gx { gradInput = gx }
        for r in 0..<input.rows {
            let x = input.data + r * w, g = gradOutput.data + r * w
            for c in 0..<w where x[c] <= 0 { perUnit[c] += Double(g[c] * x[c]) }
            if let gx {
                let d = gx.data + r * w
                for c in 0..<w { d[c] = x[c] > 0 ? g[c] : (shared ? a[0] : a[c]) * g[c] }
            }
        }
        if shared {
            ga[0] = Float(perUnit.reduce(0, +))
        } else {
            for c in 0..<w { ga[c] = Float(perUnit[c]) }
        }
        return gx
    }

    public func activationStatistics() -> ActivationStatistics? {
        guard let input else { return nil }
        return ActivationStatistics.relu(kind: kind, output: input, scratch: &scratch)
    }
}
