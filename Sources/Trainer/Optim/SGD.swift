/// Stochastic gradient descent, optionally with momentum (heavy ball or Nesterov) and an
/// L2 weight decay folded into the gradient — PyTorch's `torch.optim.SGD` (dampening 0).
///
/// Per element: `g ← g + wd · w`; with momentum μ, `b ← g` on the first step and
/// `b ← μ b + g` after; the step direction is `b`, or `g + μ b` with Nesterov (Sutskever
/// et al., 2013); `w ← w − lr · direction`. Unlike AdamW, this decay is coupled to the
/// gradient (it is an L2 penalty of strength wd/2).
public final class SGD: Optimizer {
    public let momentum: Float
    public let nesterov: Bool
    public let weightDecay: Float
    public var stepCount = 0
    private let state = OptimizerState()

    /// The slot name (PyTorch's, so a state dict reads the same).
    public enum Slot {
        /// b, the momentum buffer (only with momentum).
        public static let momentumBuffer = "momentum_buffer"
    }

    public init(momentum: Float = 0, nesterov: Bool = false, weightDecay: Float = 0) {
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    public var slotNames: [String] { momentum != 0 ? [Slot.momentumBuffer] : [] }

    public func slot(_ slot: String, for parameter: Parameter) -> Tensor {
        state.tensor(slot, for: parameter)
    }

    public func lastStep(of parameter: Parameter) -> StepMeasurement? { state.lastStep(of: parameter) }
    public func forgetLastSteps() { state.forgetLastSteps() }

    public func step(_ parameters: [Parameter], learningRate: Float, trackUpdates: Bool) {
        let first = stepCount == 0
        let mu = momentum, wd = weightDecay, lr = learningRate, nesterov = self.nesterov
        for p in parameters {
            let w = p.value.data, g = p.gradient.data, n = p.value.count
            let b = mu != 0 ? slot(Slot.momentumBuffer, for: p).data : nil
            var squared = 0.0
            for i in 0..<n {
                var d = g[i] + wd * w[i]
                if let b {
                    b[i] = first ? d : mu * b[i] + d
                    d = nesterov ? d + mu * b[i] : b[i]
                }
                let update = lr * d
                if trackUpdates { squared += Double(update * update) }
                w[i] -= update
            }
            state.setLastStep(StepMeasurement(updateSquaredNorm: squared, moments: nil), of: p)
        }
        stepCount += 1
    }
}
