/// A fixed-bin histogram of a tensor's values, e.g. a layer's weights for a study of
/// how their distribution evolves.
///
/// `bins` equal-width bins over `[lower, upper)`; values below or at/above the range
/// (and NaNs) are counted apart, so the totals always add up to the element count.
/// (What a run stores is Tracker's `HistogramRecord`, built from this one at each epoch.)
public struct TensorHistogram: Sendable, Equatable {
    public var lower: Float
    public var upper: Float
    public var counts: [Int]
    public var underflow: Int
    public var overflow: Int
    /// NaN elements.
    public var nan: Int

    /// The bin edges (`counts.count + 1` of them).
    public var edges: [Float] {
        let width = (upper - lower) / Float(counts.count)
        return (0...counts.count).map { lower + Float($0) * width }
    }

    /// Histogram of `tensor` with `bins` bins over `range`.
    /// - Throws: `TrainerError.invalidInput` when `bins < 1` or the range is empty or not finite.
    public static func of(_ tensor: Tensor, bins: Int, range: ClosedRange<Float>) throws -> TensorHistogram {
        guard bins >= 1, range.lowerBound.isFinite, range.upperBound.isFinite,
              range.upperBound > range.lowerBound else {
            throw TrainerError.invalidInput("histogram needs bins ≥ 1 and a finite, non-empty range")
        }
        var h = TensorHistogram(lower: range.lowerBound, upper: range.upperBound,
                          counts: [Int](repeating: 0, count: bins), underflow: 0, overflow: 0, nan: 0)
        let scale = Float(bins) / (range.upperBound - range.lowerBound), lo = range.lowerBound
        h.counts.withUnsafeMutableBufferPointer { c in
            for i in 0..<tensor.count {
                let v = tensor.data[i]
                if v.isNaN { h.nan += 1; continue }
                if v < lo { h.underflow += 1; continue }
                if v >= range.upperBound { h.overflow += 1; continue }
                c[Swift.min(Int((v - lo) * scale), bins - 1)] += 1
            }
        }
        return h
    }

    /// Histogram of `tensor` over its own symmetric range `[−max|v|, max|v|]`.
    public static func symmetric(_ tensor: Tensor, bins: Int) throws -> TensorHistogram {
        let m = Reductions.moments(tensor.data, count: tensor.count).maxAbs
        let bound = m > 0 && m.isFinite ? m.nextUp : 1
        return try of(tensor, bins: bins, range: -bound...bound)
    }
}
