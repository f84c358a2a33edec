import CKernels
/// The element-wise activations a model spec can name.
public enum Activation: String, Codable, Sendable, CaseIterable {
    case sigmoid
    case tanh
    case relu
    case leakyReLU = "leaky_relu"
    case prelu

    /// Builds the activation layer for `width` features.
    public func makeLayer(width: Int, leakySlope: Float = 0.01, sharedSlope: Bool = false) -> any Layer {
        switch self {
        case .sigmoid: return Sigmoid(width: width)
        case .tanh: return Tanh(width: width)
        case .relu: return ReLU(width: width)
        case .leakyReLU: return LeakyReLU(width: width, slope: leakySlope)
        case .prelu: return PReLU(width: width, shared: sharedSlope, initialSlope: 0.25)
        }
    }
}

/// A layer whose last output can be summarised for the tracker (dead units, saturation).
public protocol ActivationStatisticsSource: Layer {
    /// Statistics of the last forward pass's output; `nil` before any pass.
    func activationStatistics() -> ActivationStatistics?
}

/// Statistics of one activation layer's output over the last batch.
public struct ActivationStatistics: Sendable, Equatable {
    /// `relu`, `leaky_relu`, `prelu`, `sigmoid`, `tanh`.
    public var kind: String
    /// Fraction of outputs ≤ 0 (ReLU family) — "dead" activations in this batch.
    public var inactiveFraction: Double?
    /// Fraction of units (columns) that were ≤ 0 for every sample of the batch.
    public var deadUnitFraction: Double?
    /// Fraction of outputs in the flat tails: sigmoid y < 0.01 or y > 0.99, tanh |y| > 0.99.
    public var saturationFraction: Double?
    /// Mean output.
    public var mean: Double

    /// ReLU-family statistics of `output` [batch, width].
    static func relu(kind: String, output: Tensor, scratch: inout [Float]) -> ActivationStatistics {
        let n = output.count, width = output.columns, batch = output.rows
        if scratch.count != 3 * width { scratch = [Float](repeating: 0, count: 3 * width) }
        var inactive = 0, dead = 0, sum = 0.0
        scratch.withUnsafeMutableBufferPointer { buffer in
            // One pass (C, vectorised): inactive count, sum and per-column maximum.
            tracker_relu_statistics(output.data, batch, width, buffer.baseAddress, &inactive, &sum, &dead)
        }
        return ActivationStatistics(
            kind: kind, inactiveFraction: n > 0 ? Double(inactive) / Double(n) : 0,
            deadUnitFraction: width > 0 ? Double(dead) / Double(width) : 0,
            saturationFraction: nil, mean: n > 0 ? sum / Double(n) : 0)
    }

    /// Saturation statistics of `output`: the fraction outside (low, high).
    static func saturating(kind: String, output: Tensor, low: Float, high: Float) -> ActivationStatistics {
        let n = output.count
        let outside = Reductions.countOutside(output.data, count: n, low: low, high: high)
        let mean = n > 0 ? Reductions.moments(output.data, count: n).sum / Double(n) : 0
        return ActivationStatistics(
            kind: kind, inactiveFraction: nil, deadUnitFraction: nil,
            saturationFraction: n > 0 ? Double(outside) / Double(n) : 0, mean: mean)
    }
}
