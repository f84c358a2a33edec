import Foundation

/// One-line terminal charts from block characters.
public enum Sparkline {
    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// `values` averaged into at most `width` buckets and drawn as ▁▂▃▄▅▆▇█ between their
    /// min and max; a bucket with no finite value is a space.
    public static func render(_ values: [Double], width: Int = 60, logScale: Bool = false) -> String {
        let buckets = Bucketing.means(values.map { logScale ? ($0 > 0 ? log10($0) : .nan) : $0 }, into: width)
        let finite = buckets.filter(\.isFinite)
        guard let lo = finite.min(), let hi = finite.max() else { return String(repeating: " ", count: buckets.count) }
        return String(buckets.map { v -> Character in
            guard v.isFinite else { return " " }
            let t = hi > lo ? (v - lo) / (hi - lo) : 0.5
            return blocks[min(blocks.count - 1, max(0, Int(t * Double(blocks.count - 1) + 0.5)))]
        })
    }
}

/// Averaging a sequence into a fixed number of equal-width buckets.
enum Bucketing {
    /// Means of the finite values of each bucket (NaN for a bucket without any).
    static func means(_ values: [Double], into width: Int) -> [Double] {
        let n = values.count
        guard n > 0, width > 0 else { return [] }
        let count = min(width, n)
        var sums = [Double](repeating: 0, count: count), counts = [Int](repeating: 0, count: count)
        for (i, v) in values.enumerated() where v.isFinite {
            let b = i * count / n
            sums[b] += v
            counts[b] += 1
        }
        return zip(sums, counts).map { $1 > 0 ? $0 / Double($1) : .nan }
    }
}
