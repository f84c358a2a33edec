import Foundation

/// Gradient statistics from MLflow clients: metrics named `grad/TENSOR/STAT` (what the Python
/// helper in clients/python logs) are stored as tracker's gradient statistics, so `tracker
/// grads`, the heat map and the alerts read a PyTorch run as they read a tracker run.
///
/// STAT is one of `l2`, `mean`, `std`, `max_abs`, `zero_frac`, `update_ratio`; TENSOR is the
/// parameter's name (`layers.0.weight`). Such points go to `grad_stats`, not to the metric
/// series.
extension Store {
    /// The `grad_stats` column of each statistic (a fixed list: no user text reaches SQL text).
    static let gradientColumns: [String: String] = [
        "l2": "l2", "mean": "mean", "std": "std", "max_abs": "max_abs", "zero_frac": "zero_frac", "update_ratio": "update_ratio",
    ]

    /// `grad/layers.0.weight/l2` → (`layers.0.weight`, `l2`); nil for any other key.
    static func gradientKey(_ key: String) -> (tensor: String, column: String)? {
        guard key.hasPrefix("grad/") else { return nil }
        let rest = key.dropFirst(5)
        guard let slash = rest.lastIndex(of: "/") else { return nil }
        let tensor = rest[..<slash]
        guard !tensor.isEmpty, let column = gradientColumns[String(rest[rest.index(after: slash)...])] else { return nil }
        return (String(tensor), column)
    }

    /// Writes gradient points inside the caller's transaction, one column a point.
    func writeGradientMetrics(_ points: [(tensor: String, column: String, metric: MLflowMetric)], seq: Int64, writer: RecordWriter) throws {
        for p in points {
            guard p.metric.step >= 0, p.metric.step <= Int64(Int32.max) else {
                throw MLflowError.invalid("gradient statistics need a step between 0 and \(Int32.max)")
            }
            let value: SQLValue = p.metric.value.isNaN ? .null : .real(p.metric.value)
            try db.cached("""
                INSERT INTO grad_stats (run_seq, tensor_id, step, \(p.column)) VALUES (?, ?, ?, ?)
                ON CONFLICT (run_seq, tensor_id, step) DO UPDATE SET \(p.column) = excluded.\(p.column)
                """).run([.integer(seq), .integer(try writer.keyID(p.tensor)), .integer(p.metric.step), value])
        }
    }
}
