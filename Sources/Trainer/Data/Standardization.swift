/// Standardisation `(x − mean) / std` with statistics fitted on the training set only.
///
/// `global` uses one mean and std over all values (the usual choice for images, as in
/// PyTorch's `Normalize((0.2860,), (0.3530,))` for Fashion-MNIST); `feature` uses one pair
/// a feature (the usual choice for tabular data). A feature whose std is below 1e-6 is only
/// centred, never divided by ~0. The statistics are `Codable` so they can be stored with
/// the run and applied unchanged to validation, test and future data.
public struct Standardization: Sendable, Equatable, Codable {
    public enum Mode: String, Sendable, Codable, CaseIterable {
        case global, feature
    }

    public let mode: Mode
    /// One value (`global`) or one a feature.
    public let mean: [Float]
    /// One value (`global`) or one a feature; already floored, so dividing is safe.
    public let std: [Float]

    public init(mode: Mode, mean: [Float], std: [Float]) {
        self.mode = mode; self.mean = mean; self.std = std
    }

    /// Fits the statistics on `dataset` (population std, accumulated in Double).
    public static func fit(_ dataset: Dataset, mode: Mode) -> Standardization {
        let f = dataset.features
        let width = mode == .global ? 1 : f
        var sum = [Double](repeating: 0, count: width)
        var sumSquares = [Double](repeating: 0, count: width)
        dataset.x.withUnsafeBufferPointer { x in
            for row in 0..<dataset.count {
                let base = row * f
                if mode == .global {
                    var s = 0.0, q = 0.0
                    for j in 0..<f { let v = Double(x[base + j]); s += v; q += v * v }
                    sum[0] += s; sumSquares[0] += q
                } else {
                    for j in 0..<f { let v = Double(x[base + j]); sum[j] += v; sumSquares[j] += v * v }
                }
            }
        }
        let n = Double(max(1, mode == .global ? dataset.count * f : dataset.count))
        var mean = [Float](), std = [Float]()
        for j in 0..<width {
            let m = sum[j] / n
            let variance = max(0, sumSquares[j] / n - m * m)
            let s = variance.squareRoot()
            mean.append(Float(m))
            std.append(s < 1e-6 ? 1 : Float(s))
        }
        return Standardization(mode: mode, mean: mean, std: std)
    }

    /// Standardises `rows` rows of `features` values in place.
    public func apply(to x: UnsafeMutableBufferPointer<Float>, rows: Int, features: Int) {
        precondition(rows * features <= x.count, "buffer smaller than rows × features")
        if mode == .global, let m = mean.first, let s = std.first {
            let inv = 1 / s
            for i in 0..<(rows * features) { x[i] = (x[i] - m) * inv }
            return
        }
        precondition(mean.count == features, "statistics fitted for \(mean.count) features, not \(features)")
        let inverse = std.map { 1 / $0 }
        mean.withUnsafeBufferPointer { m in
            inverse.withUnsafeBufferPointer { inv in
                for r in 0..<rows {
                    let base = r * features
                    for j in 0..<features { x[base + j] = (x[base + j] - m[j]) * inv[j] }
                }
            }
        }
    }

    /// A copy of `dataset` with its features standardised.
    public func applied(to dataset: Dataset) throws -> Dataset {
        guard mode == .global || mean.count == dataset.features else {
            throw DataError.invalidRequest(
                "standardisation fitted for \(mean.count) features cannot apply to \(dataset.features)")
        }
        var copy = dataset
        copy.x.withUnsafeMutableBufferPointer { apply(to: $0, rows: dataset.count, features: dataset.features) }
        return copy
    }
}
