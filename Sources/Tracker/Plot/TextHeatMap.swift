import Foundation

/// A rows × time heat map drawn with shading characters (` ░▒▓█`), for terminals.
public struct TextHeatMap: Sendable {
    public static let shades: [Character] = [" ", "░", "▒", "▓", "█"]

    public var labels: [String]
    /// `values[row][t]`; NaN where missing.
    public var values: [[Double]]
    public var logScale: Bool

    public init(labels: [String], values: [[Double]], logScale: Bool = true) {
        self.labels = labels
        self.values = values
        self.logScale = logScale
    }

    /// The rows, each `label │cells│`, with the time axis bucketed (mean of log10 values)
    /// to fit `width` columns in all. A cell without a finite value shows `·`; an all-zero
    /// cell shows the lightest shade. Also returns the value range the shades span.
    public func render(width: Int) -> (lines: [String], lo: Double?, hi: Double?) {
        let labelWidth = min(32, labels.map(\.count).max() ?? 0)
        let cells = max(8, width - labelWidth - 3)
        var zeroOnly: [[Bool]] = []
        let bucketed = values.map { row -> [Double] in
            let t = row.map { v in logScale ? (v > 0 && v.isFinite ? log10(v) : .nan) : v }
            let means = Bucketing.means(t, into: cells)
            let zeros = Bucketing.means(row.map { $0 == 0 ? 1 : .nan }, into: cells).map { $0.isFinite }
            zeroOnly.append(zeros)
            return means
        }
        let finite = bucketed.joined().filter(\.isFinite)
        let lo = finite.min(), hi = finite.max()
        var lines: [String] = []
        for (r, row) in bucketed.enumerated() {
            var label = labels[r]
            if label.count > labelWidth { label = "…" + label.suffix(labelWidth - 1) }
            label += String(repeating: " ", count: labelWidth - label.count)
            let cellText = String(row.enumerated().map { (t, v) -> Character in
                guard v.isFinite, let lo, let hi else { return zeroOnly[r][t] ? TextHeatMap.shades[0] : "·" }
                let f = hi > lo ? (v - lo) / (hi - lo) : 1
                return TextHeatMap.shades[min(4, max(0, Int(f * 4 + 0.5)))]
            })
            lines.append("\(label) │\(cellText)│")
        }
        let back: (Double?) -> Double? = { v in v.map { logScale ? pow(10, $0) : $0 } }
        return (lines, back(lo), back(hi))
    }
}
