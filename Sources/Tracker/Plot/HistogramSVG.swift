import Foundation

/// A small bar chart of one stored histogram (equal-width bins over [lo, hi]).
public struct HistogramSVG: Sendable {
    public var histogram: HistogramRecord
    public var width = 300
    public var height = 170

    public init(histogram: HistogramRecord, width: Int = 300, height: Int = 170) {
        self.histogram = histogram
        self.width = width
        self.height = height
    }

    public func svg() -> String {
        let h = histogram
        let left = 10.0, top = 22.0, plotW = Double(width) - 20, plotH = Double(height) - 44
        let peak = Double(h.counts.max() ?? 1)
        let barW = plotW / Double(max(1, h.counts.count))
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"histogram\" width=\"\(width)\" height=\"\(height)\" font-family=\"sans-serif\" font-size=\"11\">"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>"
        out += "<text x=\"\(Int(left))\" y=\"14\">\(SVG.escape(h.tensor)) · step \(h.step)</text>"
        for (i, c) in h.counts.enumerated() where c > 0 {
            let bh = peak > 0 ? Double(c) / peak * plotH : 0
            out += "<rect x=\(q(left + Double(i) * barW)) y=\(q(top + plotH - bh)) width=\(q(max(0.5, barW - 0.5))) height=\(q(bh)) fill=\"#4e79a7\"/>"
        }
        out += "<text x=\"\(Int(left))\" y=\"\(height - 6)\">\(SVG.escape(AxisTicks.label(h.lo)))</text>"
        out += "<text x=\"\(Int(left + plotW))\" y=\"\(height - 6)\" text-anchor=\"end\">\(SVG.escape(AxisTicks.label(h.hi)))</text>"
        return out + "</svg>\n"
    }

    private func q(_ v: Double) -> String { "\"" + String(format: "%.1f", v) + "\"" }
}
