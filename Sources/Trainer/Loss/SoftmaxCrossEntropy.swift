#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Softmax cross-entropy over class logits, averaged over the batch (PyTorch's
/// `nn.CrossEntropyLoss`).
///
/// `loss = mean_r [ logsumexp(z_r) − z_r[y_r] ]`, computed with the row maximum
/// subtracted first (log-sum-exp), so large logits neither overflow nor lose the answer.
/// Gradient: `(softmax(z_r) − onehot(y_r)) / batch`. Shapes: logits [batch, classes],
/// labels `batch` class indices in `0..<classes`.
public final class SoftmaxCrossEntropy {
    private var gradient: Tensor?

    public init() {}

    /// The mean loss and ∂loss/∂logits (a buffer reused by the next call).
    /// - Throws: `TrainerError.invalidInput` when a label is out of range or counts differ.
    public func callAsFunction(logits: Tensor, labels: [Int32]) throws -> (loss: Double, gradient: Tensor) {
        let batch = logits.rows, classes = logits.columns
        guard logits.shape.count == 2, labels.count == batch, batch > 0 else {
            throw TrainerError.invalidInput("\(labels.count) labels for logits of shape \(logits.shape)")
        }
        if let bad = labels.first(where: { $0 < 0 || Int($0) >= classes }) {
            throw TrainerError.invalidInput("label \(bad) outside 0..<\(classes)")
        }
        let grad = Tensor.reusing(gradient, shape: logits.shape)
        gradient = grad
        let scale = 1 / Float(batch)
        var total = 0.0
        labels.withUnsafeBufferPointer { y in
            for r in 0..<batch {
                let z = logits.data + r * classes, g = grad.data + r * classes
                var m = -Float.infinity
                for c in 0..<classes { m = Swift.max(m, z[c]) }
                var sum: Float = 0
                for c in 0..<classes { let e = expf(z[c] - m); g[c] = e; sum += e }
                let label = Int(y[r])
                total += Double(logf(sum) + m - z[label])
                let k = scale / sum
                for c in 0..<classes { g[c] *= k }
                g[label] -= scale
            }
        }
        return (total / Double(batch), grad)
    }

    /// The mean loss only (no gradient), for evaluation.
    public static func loss(logits: Tensor, labels: [Int32]) -> Double {
        let classes = logits.columns
        var total = 0.0
        for r in 0..<Swift.min(logits.rows, labels.count) {
            let z = logits.data + r * classes
            var m = -Float.infinity
            for c in 0..<classes { m = Swift.max(m, z[c]) }
            var sum: Float = 0
            for c in 0..<classes { sum += expf(z[c] - m) }
            let label = Int(labels[r])
            guard label >= 0 && label < classes else { continue }
            total += Double(logf(sum) + m - z[label])
        }
        return labels.isEmpty ? 0 : total / Double(labels.count)
    }
}
