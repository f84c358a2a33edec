/// Reduces a long series to what a given number of pixel columns can show.
public enum Downsample {
    /// Keeps, for each of `buckets` equal x ranges, the first, minimum, maximum and last
    /// points (in their original order), so peaks survive and a million points become a
    /// few thousand. Non-finite points are kept as line breaks (one per bucket at most).
    public static func minMax(_ points: [ChartSeries.Point], buckets: Int, xRange: (lo: Double, hi: Double)) -> [ChartSeries.Point] {
        guard buckets > 0, points.count > buckets * 4 else { return points }
        let span = xRange.hi - xRange.lo
        guard span > 0, span.isFinite else { return points }
        var out: [ChartSeries.Point] = []
        out.reserveCapacity(buckets * 4)
        var current = -1
        var first = 0, last = 0, lo = -1, hi = -1, sawGap = false
        func flush() {
            guard current >= 0 else { return }
            let picks = Set([first, lo, hi, last].filter { $0 >= 0 }).sorted()
            if sawGap { out.append(ChartSeries.Point(x: points[first].x, y: .nan)) }
            for i in picks { out.append(points[i]) }
        }
        for (i, p) in points.enumerated() {
            let b = min(buckets - 1, max(0, Int((p.x - xRange.lo) / span * Double(buckets))))
            if b != current {
                flush()
                current = b; first = i; last = i; lo = -1; hi = -1; sawGap = false
            }
            guard p.y.isFinite else { sawGap = true; continue }
            if lo < 0 || p.y < points[lo].y { lo = i }
            if hi < 0 || p.y > points[hi].y { hi = i }
            last = i
        }
        flush()
        return out.filter { $0.x.isFinite }
    }
}
