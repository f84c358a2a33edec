import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Adam (Kingma & Ba, 2015) and AdamW (Loshchilov & Hutter, 2019), as PyTorch computes them.
///
/// Per element, at step t (1-based): with coupled decay (Adam) `g ← g + wd · w`; with
/// decoupled decay (AdamW) `w ← w · (1 − lr · wd)` first. Then
/// `m ← β₁ m + (1 − β₁) g`, `v ← β₂ v + (1 − β₂) g²`,
/// `w ← w − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)`.
/// Slots: `exp_avg` (m) and `exp_avg_sq` (v). The loop is C (`CKernels`), vectorised.
public final class Adam: Optimizer {
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float
    /// `true` for AdamW's decoupled weight decay.
    public let decoupled: Bool
    public var stepCount = 0
    private let state = OptimizerState()

    /// The slot names (PyTorch's, so a state dict reads the same).
    public enum Slot {
        /// m, the first-moment estimate.
        public static let expAvg = "exp_avg"
        /// v, the second-moment estimate.
        public static let expAvgSq = "exp_avg_sq"
    }

    public init(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                weightDecay: Float = 0, decoupled: Bool = false) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupled = decoupled
    }

    /// AdamW with PyTorch's default decay 0.01.
    public static func adamW(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                             weightDecay: Float = 0.01) -> Adam {
        Adam(beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay, decoupled: true)
    }

    public var slotNames: [String] { [Slot.expAvg, Slot.expAvgSq] }

    public func slot(_ slot: String, for parameter: Parameter) -> Tensor {
        state.tensor(slot, for: parameter)
    }

    public func lastStep(of parameter: Parameter) -> StepMeasurement? { state.lastStep(of: parameter) }
    public func forgetLastSteps() { state.forgetLastSteps() }

    /// |w| below this counts as near zero in the moments gathered while tracking (the
    /// statistics' default threshold).
    public static let nearZeroThreshold: Float = StatisticsOptions.all.nearZeroThreshold

    public func step(_ parameters: [Parameter], learningRate: Float, trackUpdates: Bool) {
        stepCount += 1
        let t = Double(stepCount)
        let correction1 = 1 - pow(Double(beta1), t), correction2 = 1 - pow(Double(beta2), t)
        var k = tracker_adam_coefficients(
            b1: beta1, c1: 1 - beta1, b2: beta2, c2: 1 - beta2,
            step_size: Float(Double(learningRate) / correction1),
            inverse_sqrt_correction2: Float(1 / correction2.squareRoot()), epsilon: epsilon,
            coupled_decay: decoupled ? 0 : weightDecay,
            shrink: decoupled ? 1 - learningRate * weightDecay : 1)
        for p in parameters {
            let m = slot(Slot.expAvg, for: p).data, v = slot(Slot.expAvgSq, for: p).data
            guard trackUpdates else {
                tracker_adam_update(p.value.data, p.gradient.data, m, v, p.value.count, &k, 0, nil)
                state.setLastStep(StepMeasurement(updateSquaredNorm: 0, moments: nil), of: p)
                continue
            }
            // One pass updates the weights and gathers everything the step statistics need.
            var r = tracker_step_moments()
            tracker_adam_update(p.value.data, p.gradient.data, m, v, p.value.count, &k, Adam.nearZeroThreshold, &r)
            let moments = StepMoments(
                gradient: Reductions.Moments(sum: r.gradient_sum, sumOfSquares: r.gradient_squares,
                                             maxAbs: r.gradient_max_abs, zeros: Int(r.gradient_zeros)),
                weightSquares: r.weight_squares, weightSmall: Int(r.weight_small), threshold: Adam.nearZeroThreshold)
            state.setLastStep(StepMeasurement(updateSquaredNorm: r.update_squares, moments: moments), of: p)
        }
    }
}
