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
    private let store = SlotStore()

    public init(momentum: Float = 0, nesterov: Bool = false, weightDecay: Float = 0) {
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    public var slotNames: [String] { momentum != 0 ? ["momentum_buffer"] : [] }

    public func slot(_ slot: String, for parameter: Parameter) -> Tensor {
        store.tensor(slot, for: parameter)
    }

    public func step(_ parameters: [Parameter], learningRate: Float, trackUpdates: Bool) {
        let first = stepCount == 0
        let mu = momentum, wd = weightDecay, lr = learningRate, nesterov = self.nesterov
        for p in parameters {
            let w = p.value.data, g = p.gradient.data, n = p.value.count
            let b = mu != 0 ? slot("momentum_buffer", for: p).data : nil
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
            p.lastUpdateSquaredNorm = squared
            p.stepMoments = nil
        }
        stepCount += 1
    }
}
