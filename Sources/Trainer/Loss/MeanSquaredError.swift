/// Mean squared error over all elements (PyTorch's `nn.MSELoss` with mean reduction).
///
/// `loss = Σ (p − t)² / n`, gradient `2 (p − t) / n`, with `n` = batch × width.
/// Shapes: predictions and targets [batch, width].
public final class MeanSquaredError {
    private var gradient: Tensor?

    public init() {}

    /// The mean loss and ∂loss/∂predictions (a buffer reused by the next call).
    /// - Throws: `TrainerError.invalidInput` when the shapes differ or are empty.
    public func callAsFunction(predictions: Tensor, targets: Tensor) throws -> (loss: Double, gradient: Tensor) {
        guard predictions.shape == targets.shape, predictions.count > 0 else {
            throw TrainerError.invalidInput("targets \(targets.shape) for predictions \(predictions.shape)")
        }
        let grad = Tensor.reusing(gradient, shape: predictions.shape)
        gradient = grad
        let n = predictions.count, p = predictions.data, t = targets.data, g = grad.data
        let k = 2 / Float(n)
        for i in 0..<n { g[i] = p[i] - t[i] }
        let loss = Reductions.sumOfSquares(g, count: n) / Double(n)
        for i in 0..<n { g[i] *= k }
        return (loss, grad)
    }

    /// The mean loss only, for evaluation; `nil` when the shapes differ.
    public static func loss(predictions: Tensor, targets: Tensor) -> Double? {
        guard predictions.shape == targets.shape, predictions.count > 0 else { return nil }
        var total = 0.0
        for i in 0..<predictions.count {
            let d = Double(predictions.data[i] - targets.data[i])
            total += d * d
        }
        return total / Double(predictions.count)
    }
}
