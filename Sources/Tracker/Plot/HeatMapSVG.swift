import Foundation

/// A rows × steps heat map as SVG (layer × step gradient norms), on a log10 colour scale.
///
/// Steps are bucketed to at most one column every two pixels; a cell shows the mean of the
/// log10 values in its bucket, so a million-step run draws as fast as a short one. Missing
/// or non-positive cells are left grey. The plot's geometry is in `data-` attributes of the
/// `<svg>` (left, top, plot width, row height, columns), for a script that shows cell values.
public struct HeatMapSVG: Sendable {
    public var labels: [String]
    public var steps: [Int]
    /// `values[row][column]`, NaN where missing.
    public var values: [[Double]]
    public var title: String
    public var width = 760
    public var rowHeight = 16

    public init(labels: [String], steps: [Int], values: [[Double]], title: String, width: Int = 760, rowHeight: Int = 16) {
        self.labels = labels
        self.steps = steps
        self.values = values
        self.title = title
        self.width = width
        self.rowHeight = rowHeight
    }

    /// Viridis at five stops, low to high.
    static let stops: [(Double, Double, Double)] = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)]

    public func svg() -> String {
        let left = 170.0, right = 90.0, top = title.isEmpty ? 10.0 : 30.0
        let plotW = Double(width) - left - right
        let plotH = Double(rowHeight * labels.count)
        let height = top + plotH + 40
        let columns = max(1, min(steps.count, Int(plotW / 2)))
        let cells = values.map { HeatMapSVG.bucketLog($0, into: columns) }
        let finite = cells.joined().filter(\.isFinite)
        let lo = finite.min() ?? 0, hi = finite.max() ?? 1
        let cellW = plotW / Double(columns)
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"heatmap\" width=\"\(width)\" height=\"\(Int(height))\" data-left=\"\(f(left))\" data-top=\"\(f(top))\" data-plotw=\"\(f(plotW))\" data-rowh=\"\(rowHeight)\" data-columns=\"\(columns)\" viewBox=\"0 0 \(width) \(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        if !title.isEmpty { out += "<text x=\"\(Int(left))\" y=\"18\" font-size=\"13\">\(SVG.escape(title))</text>\n" }
        for (r, row) in cells.enumerated() {
            let y = top + Double(r * rowHeight)
            out += "<text x=\"\(Int(left - 6))\" y=\"\(f(y + Double(rowHeight) * 0.7))\" text-anchor=\"end\">\(SVG.escape(labels[r]))</text>\n"
            out += "<g>"
            for (c, v) in row.enumerated() {
                let colour = v.isFinite ? HeatMapSVG.colour(hi > lo ? (v - lo) / (hi - lo) : 0.5) : "#e0e0e0"
                out += "<rect x=\"\(f(left + Double(c) * cellW))\" y=\"\(f(y))\" width=\"\(f(cellW + 0.3))\" height=\"\(rowHeight)\" fill=\"\(colour)\"/>"
            }
            out += "</g>\n"
        }
        // Step axis: first, middle and last step.
        if let first = steps.first, let last = steps.last {
            let mid = steps[steps.count / 2]
            for (step, x, anchor) in [(first, left, "start"), (mid, left + plotW / 2, "middle"), (last, left + plotW, "end")] {
                out += "<text x=\"\(f(x))\" y=\"\(f(top + plotH + 14))\" text-anchor=\"\(anchor)\">\(step)</text>\n"
            }
            out += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(top + plotH + 30))\" text-anchor=\"middle\">step</text>\n"
        }
        out += HeatMapSVG.legend(x: left + plotW + 20, top: top, lo: lo, hi: hi, caption: "log scale")
        out += "</svg>\n"
        return out
    }

    /// The colour legend at (`x`, `top`): 20 steps of the scale, the log10 range `lo`…`hi`
    /// labelled as values, and a caption (also drawn by `LandscapeSVG`).
    static func legend(x lx: Double, top: Double, lo: Double, hi: Double, caption: String) -> String {
        func f(_ v: Double) -> String { Format.coordinate(v) }
        var out = ""
        for i in 0..<20 {
            let t = Double(19 - i) / 19
            out += "<rect x=\"\(f(lx))\" y=\"\(f(top + Double(i) * 6))\" width=\"14\" height=\"6.5\" fill=\"\(HeatMapSVG.colour(t))\"/>"
        }
        out += "\n<text x=\"\(f(lx + 18))\" y=\"\(f(top + 8))\">\(SVG.escape(HeatMapSVG.label(hi)))</text>\n"
        out += "<text x=\"\(f(lx + 18))\" y=\"\(f(top + 120))\">\(SVG.escape(HeatMapSVG.label(lo)))</text>\n"
        out += "<text x=\"\(f(lx))\" y=\"\(f(top + 136))\">\(SVG.escape(caption))</text>\n"
        return out
    }

    /// Means of log10 of the positive finite values in each of `count` equal buckets.
    static func bucketLog(_ row: [Double], into count: Int) -> [Double] {
        let n = row.count
        guard n > 0 else { return Array(repeating: .nan, count: count) }
        var sums = [Double](repeating: 0, count: count), counts = [Int](repeating: 0, count: count)
        for (i, v) in row.enumerated() where v > 0 && v.isFinite {
            let b = min(count - 1, i * count / n)
            sums[b] += log10(v)
            counts[b] += 1
        }
        return zip(sums, counts).map { $1 > 0 ? $0 / Double($1) : .nan }
    }

    /// The colour at `t` ∈ [0, 1] along the viridis stops.
    static func colour(_ t: Double) -> String {
        let x = min(1, max(0, t)) * Double(stops.count - 1)
        let i = min(stops.count - 2, Int(x)), u = x - Double(i)
        let a = stops[i], b = stops[i + 1]
        func mix(_ p: Double, _ q: Double) -> Int { Int((p + (q - p) * u).rounded()) }
        return String(format: "#%02x%02x%02x", mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
    }

    /// `1e-3`-style label for a log10 value.
    static func label(_ log10Value: Double) -> String { AxisTicks.label(pow(10, log10Value)) }

    /// One decimal, without `String(format:)` (thousands of cells a map).
    private func f(_ v: Double) -> String { Format.coordinate(v) }
}
