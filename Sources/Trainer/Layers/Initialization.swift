/// How a Dense layer's weights (and biases) start.
///
/// References: Glorot & Bengio (2010) for Xavier; He et al. (2015) for He/Kaiming.
/// Every draw comes from the `init` random stream, so nothing else (dropout rate, data
/// order) changes the initial weights.
public enum Initialization: String, Codable, Sendable, CaseIterable {
    /// Uniform in ±√(6 / (fanIn + fanOut)); the default for sigmoid and tanh.
    case xavierUniform = "xavier_uniform"
    /// Normal with std √(2 / (fanIn + fanOut)).
    case xavierNormal = "xavier_normal"
    /// Normal with std √(2 / fanIn); the default for the ReLU family.
    case heNormal = "he_normal"
    /// Uniform in ±√(6 / fanIn).
    case heUniform = "he_uniform"
    /// PyTorch's `nn.Linear` default: weights and biases uniform in ±1/√fanIn.
    case torchDefault = "torch_default"

    /// The default for a Dense layer followed by `activation` (nil: none or unknown).
    public static func `default`(for activation: Activation?) -> Initialization {
        switch activation {
        case .sigmoid, .tanh: return .xavierUniform
        case .relu, .leakyReLU, .prelu: return .heNormal
        case nil: return .xavierUniform
        }
    }

    /// Fills `weight` [fanIn, fanOut] and `bias` (fanOut, may be nil) from `random`.
    public func fill(weight: Tensor, bias: Tensor?, random: inout RandomStream) {
        let fanIn = Double(weight.rows), fanOut = Double(weight.columns)
        let w = weight.data
        switch self {
        case .xavierUniform: uniform(w, weight.count, bound: (6 / (fanIn + fanOut)).squareRoot(), &random)
        case .xavierNormal: normal(w, weight.count, std: (2 / (fanIn + fanOut)).squareRoot(), &random)
        case .heNormal: normal(w, weight.count, std: (2 / fanIn).squareRoot(), &random)
        case .heUniform: uniform(w, weight.count, bound: (6 / fanIn).squareRoot(), &random)
        case .torchDefault: uniform(w, weight.count, bound: 1 / fanIn.squareRoot(), &random)
        }
        guard let bias else { return }
        if self == .torchDefault {
            uniform(bias.data, bias.count, bound: 1 / fanIn.squareRoot(), &random)
        } else {
            bias.fill(0)
        }
    }

    private func uniform(_ p: UnsafeMutablePointer<Float>, _ n: Int, bound: Double, _ r: inout RandomStream) {
        for i in 0..<n { p[i] = Float((r.nextDouble() * 2 - 1) * bound) }
    }

    private func normal(_ p: UnsafeMutablePointer<Float>, _ n: Int, std: Double, _ r: inout RandomStream) {
        for i in 0..<n { p[i] = Float(r.nextGaussian() * std) }
    }
}
