/// Classification accuracy: the fraction of rows whose arg-max logit is the label.
public enum Accuracy {
    /// Number of correct rows of `logits` [batch, classes] against `labels`.
    /// Ties go to the lowest class index, as `torch.argmax`.
    public static func correct(logits: Tensor, labels: [Int32]) -> Int {
        let classes = logits.columns
        var hits = 0
        for r in 0..<Swift.min(logits.rows, labels.count) {
            let z = logits.data + r * classes
            var best = 0
            for c in 1..<Swift.max(classes, 1) where z[c] > z[best] { best = c }
            if best == Int(labels[r]) { hits += 1 }
        }
        return hits
    }

    /// Fraction of correct rows (0 for an empty batch).
    public static func of(logits: Tensor, labels: [Int32]) -> Double {
        labels.isEmpty ? 0 : Double(correct(logits: logits, labels: labels)) / Double(labels.count)
    }
}
