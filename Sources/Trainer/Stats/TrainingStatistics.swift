/// Statistics of one training step, cheap enough to collect on every step: per
/// parameter tensor, per activation layer and per BatchNorm layer.
///
/// Plain values for the tracker to stream; nothing here knows about storage.
public struct TrainingStatistics: Sendable {
    /// One per parameter tensor, in model order.
    public var parameters: [ParameterStatistics]
    /// One per activation layer (ReLU family, sigmoid, tanh), in model order.
    public var activations: [LayerActivationStatistics]
    /// One per BatchNorm layer, in model order.
    public var batchNorms: [BatchNormStatistics]
}

/// Gradient, weight and update statistics of one parameter tensor after a step.
public struct ParameterStatistics: Sendable, Equatable {
    /// Dotted name (`layers.0.weight`).
    public var name: String
    public var role: Parameter.Role
    /// Number of elements.
    public var count: Int
    /// ‖g‖₂ of the gradient the optimizer used (data loss plus penalty).
    public var gradientNorm: Double
    public var gradientMean: Double
    /// Population standard deviation of the gradient's elements.
    public var gradientStd: Double
    public var gradientMaxAbs: Double
    /// Fraction of gradient elements exactly zero.
    public var gradientZeroFraction: Double
    /// ‖w‖₂ after the update.
    public var weightNorm: Double
    /// Fraction of weights with |w| below the near-zero threshold (L1's sparsity).
    public var nearZeroFraction: Double
    /// ‖Δw‖₂ / ‖w‖₂ of this step's update (0 when the weights are all zero).
    public var updateRatio: Double
}

/// Output statistics of one activation layer.
public struct LayerActivationStatistics: Sendable, Equatable {
    /// Dotted layer name (`layers.1`).
    public var layer: String
    public var statistics: ActivationStatistics
}

/// Running statistics of one BatchNorm layer.
public struct BatchNormStatistics: Sendable, Equatable {
    /// Dotted layer name (`layers.1`).
    public var layer: String
    public var runningMean: [Float]
    public var runningVariance: [Float]
    /// Mean over features of the running mean and of the running variance.
    public var meanOfRunningMean: Double
    public var meanOfRunningVariance: Double
}

/// What `ModelTrainer` collects when asked for statistics.
public struct StatisticsOptions: Sendable, Equatable {
    /// |w| below this counts as near zero.
    public var nearZeroThreshold: Float
    /// Collect activation-layer statistics.
    public var activations: Bool
    /// Collect BatchNorm running statistics.
    public var batchNorms: Bool

    public init(nearZeroThreshold: Float = 1e-3, activations: Bool = true, batchNorms: Bool = true) {
        self.nearZeroThreshold = nearZeroThreshold
        self.activations = activations
        self.batchNorms = batchNorms
    }

    /// Everything, with the default threshold.
    public static let all = StatisticsOptions()
}

extension TrainingStatistics {
    /// Collects statistics of `model` after a step whose `optimizer` tracked update norms.
    public static func collect(model: Model, optimizer: any Optimizer, options: StatisticsOptions) -> TrainingStatistics {
        let params = model.parameters.map { p -> ParameterStatistics in
            let n = p.value.count
            let g: Reductions.Moments, w: (sumOfSquares: Double, small: Int)
            let last = optimizer.lastStep(of: p)
            if let fused = last?.moments, fused.threshold == options.nearZeroThreshold {
                // Gathered by the optimizer in its update pass: no extra pass over the tensors.
                (g, w) = (fused.gradient, (fused.weightSquares, fused.weightSmall))
            } else {
                g = Reductions.moments(p.gradient.data, count: n)
                w = Reductions.squaresAndSmall(p.value.data, count: n, threshold: options.nearZeroThreshold)
            }
            let count = Double(Swift.max(n, 1))
            let mean = g.sum / count
            let variance = Swift.max(0, g.sumOfSquares / count - mean * mean)
            let weightNorm = w.sumOfSquares.squareRoot()
            return ParameterStatistics(
                name: p.name, role: p.role, count: n,
                gradientNorm: g.sumOfSquares.squareRoot(), gradientMean: mean,
                gradientStd: variance.squareRoot(), gradientMaxAbs: Double(g.maxAbs),
                gradientZeroFraction: Double(g.zeros) / count,
                weightNorm: weightNorm, nearZeroFraction: Double(w.small) / count,
                updateRatio: weightNorm > 0 ? (last?.updateSquaredNorm ?? 0).squareRoot() / weightNorm : 0)
        }
        var activations: [LayerActivationStatistics] = []
        var norms: [BatchNormStatistics] = []
        if options.activations {
            for (name, source) in model.activationSources {
                if let s = source.activationStatistics() { activations.append(LayerActivationStatistics(layer: name, statistics: s)) }
            }
        }
        if options.batchNorms {
            for (name, bn) in model.batchNorms {
                let w = Double(Swift.max(bn.inputWidth, 1))
                norms.append(BatchNormStatistics(
                    layer: name, runningMean: bn.runningMean.values, runningVariance: bn.runningVariance.values,
                    meanOfRunningMean: Reductions.moments(bn.runningMean.data, count: bn.inputWidth).sum / w,
                    meanOfRunningVariance: Reductions.moments(bn.runningVariance.data, count: bn.inputWidth).sum / w))
            }
        }
        return TrainingStatistics(parameters: params, activations: activations, batchNorms: norms)
    }
}
