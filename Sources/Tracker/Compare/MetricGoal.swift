/// Whether a metric is better high (accuracy) or low (loss, error), guessed from its name.
public enum MetricGoal: String, Sendable, Equatable, Codable {
    case maximize, minimize

    /// `minimize` for names with loss, error, err, mse, mae, rmse, perplexity, nll; else `maximize`.
    public init(metric key: String) {
        let k = key.lowercased()
        let lowWords = ["loss", "error", "err", "mse", "mae", "rmse", "perplexity", "nll"]
        self = lowWords.contains { k.contains($0) } ? .minimize : .maximize
    }

    /// The best value and its step in a series summary.
    public func best(of s: MetricSummary) -> (value: Double, step: Int)? {
        switch self {
        case .maximize: if let v = s.max, let step = s.maxStep { return (v, step) }
        case .minimize: if let v = s.min, let step = s.minStep { return (v, step) }
        }
        return nil
    }
}
