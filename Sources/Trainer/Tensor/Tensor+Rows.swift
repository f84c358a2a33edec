extension Tensor {
    /// Copies rows `indices` of `source` [n, width] into a [indices.count, width] tensor,
    /// reusing `buffer` when it fits: the minibatch gather of a training loop.
    /// - Precondition: every index is in `0..<source.rows` (an internal invariant of the caller).
    public static func gatherRows<C: Collection>(
        of source: Tensor, at indices: C, reusing buffer: Tensor? = nil
    ) -> Tensor where C.Element == Int {
        let width = source.columns
        let out = Tensor.reusing(buffer, shape: [indices.count, width])
        var r = 0
        for i in indices {
            precondition(i >= 0 && i < source.rows, "row \(i) outside 0..<\(source.rows)")
            (out.data + r * width).update(from: source.data + i * width, count: width)
            r += 1
        }
        return out
    }

    /// Copies rows `range` of this [n, width] tensor into a new or reused tensor.
    public func rows(_ range: Range<Int>, reusing buffer: Tensor? = nil) -> Tensor {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows)
        let width = columns
        let out = Tensor.reusing(buffer, shape: [range.count, width])
        out.data.update(from: data + range.lowerBound * width, count: range.count * width)
        return out
    }
}
