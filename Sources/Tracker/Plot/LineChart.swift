import Foundation

/// A line chart rendered as standalone SVG: one `<path>` per series, a legend, labelled
/// axes with ticks, optional log-scale y. Pure Swift, no I/O: `tracker plot` and the web
/// UI draw the same picture.
///
/// Long series are reduced to min/max per pixel column first, so a million points draw
/// in milliseconds. Non-finite values (and non-positive ones on a log axis) break the line.
public struct LineChart: Sendable {
    public var series: [ChartSeries]
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var logY: Bool
    public var width: Int
    public var height: Int

    public init(series: [ChartSeries], title: String = "", xLabel: String = "step", yLabel: String = "",
                logY: Bool = false, width: Int = 800, height: Int = 450) {
        self.series = series
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.logY = logY
        self.width = max(200, width)
        self.height = max(150, height)
    }

    /// The value as drawn on the y axis (log10 on a log axis), nil when it cannot be drawn.
    func yValue(_ y: Double) -> Double? {
        guard y.isFinite else { return nil }
        if logY { return y > 0 ? log10(y) : nil }
        return y
    }

    /// The SVG document.
    public func svg() -> String {
        let legendRows = series.count
        let left = 72.0, right = 24.0, top = title.isEmpty ? 20.0 : 40.0
        let bottom = 56.0 + 18.0 * Double(legendRows)
        let totalHeight = Double(height) + 18.0 * Double(legendRows)
        let plotW = Double(width) - left - right, plotH = totalHeight - top - bottom

        // Data ranges over drawable points.
        var xlo = Double.infinity, xhi = -Double.infinity, ylo = Double.infinity, yhi = -Double.infinity
        for s in series {
            for p in s.points where p.x.isFinite {
                guard yValue(p.y) != nil else { continue }
                xlo = min(xlo, p.x); xhi = max(xhi, p.x); ylo = min(ylo, p.y); yhi = max(yhi, p.y)
            }
        }
        let hasData = xlo <= xhi
        if !hasData { xlo = 0; xhi = 1; ylo = logY ? 1 : 0; yhi = logY ? 10 : 1 }
        let xAxis = AxisTicks.linear(lo: xlo, hi: xhi == xlo ? xlo + 1 : xhi)
        let yAxis = logY ? AxisTicks.log(lo: ylo, hi: yhi) : AxisTicks.linear(lo: ylo, hi: yhi)
        let xSpan = xAxis.hi - xAxis.lo, ySpan = yAxis.hi - yAxis.lo
        func px(_ x: Double) -> Double { left + (x - xAxis.lo) / xSpan * plotW }
        func py(_ v: Double) -> Double { top + plotH - (v - yAxis.lo) / ySpan * plotH }

        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(Format.coordinate(totalHeight))" viewBox="0 0 \(width) \(Format.coordinate(totalHeight))" font-family="sans-serif" font-size="12">
            <rect x="0" y="0" width="\(width)" height="\(Format.coordinate(totalHeight))" fill="white"/>

            """
        if !title.isEmpty {
            out += "<text x=\"\(Format.coordinate(Double(width) / 2))\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">\(SVG.escape(title))</text>\n"
        }
        // Grid, ticks and tick labels.
        out += "<g class=\"axes\" stroke=\"#ddd\">\n"
        for t in xAxis.ticks {
            out += "<line x1=\"\(Format.coordinate(px(t)))\" y1=\"\(Format.coordinate(top))\" x2=\"\(Format.coordinate(px(t)))\" y2=\"\(Format.coordinate(top + plotH))\"/>\n"
        }
        for t in yAxis.ticks {
            out += "<line x1=\"\(Format.coordinate(left))\" y1=\"\(Format.coordinate(py(t)))\" x2=\"\(Format.coordinate(left + plotW))\" y2=\"\(Format.coordinate(py(t)))\"/>\n"
        }
        out += "</g>\n<g class=\"ticks\" fill=\"#333\">\n"
        for t in xAxis.ticks {
            out += "<text x=\"\(Format.coordinate(px(t)))\" y=\"\(Format.coordinate(top + plotH + 16))\" text-anchor=\"middle\">\(SVG.escape(AxisTicks.label(t)))</text>\n"
        }
        for t in yAxis.ticks {
            let label = logY ? AxisTicks.label(pow(10, t)) : AxisTicks.label(t)
            out += "<text x=\"\(Format.coordinate(left - 6))\" y=\"\(Format.coordinate(py(t) + 4))\" text-anchor=\"end\">\(SVG.escape(label))</text>\n"
        }
        out += "</g>\n"
        out += "<rect x=\"\(Format.coordinate(left))\" y=\"\(Format.coordinate(top))\" width=\"\(Format.coordinate(plotW))\" height=\"\(Format.coordinate(plotH))\" fill=\"none\" stroke=\"#333\"/>\n"
        out += "<text x=\"\(Format.coordinate(left + plotW / 2))\" y=\"\(Format.coordinate(top + plotH + 36))\" text-anchor=\"middle\">\(SVG.escape(xLabel))</text>\n"
        let yTitle = logY ? "\(yLabel) (log scale)" : yLabel
        out += "<text transform=\"translate(16 \(Format.coordinate(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(SVG.escape(yTitle))</text>\n"
        if !hasData {
            out += "<text x=\"\(Format.coordinate(left + plotW / 2))\" y=\"\(Format.coordinate(top + plotH / 2))\" text-anchor=\"middle\" fill=\"#999\">no data</text>\n"
        }

        // One path per series.
        out += "<g class=\"series\" fill=\"none\" stroke-width=\"1.5\" stroke-linejoin=\"round\">\n"
        for (i, s) in series.enumerated() {
            let colour = SVG.palette[i % SVG.palette.count]
            let points = Downsample.minMax(s.points, buckets: Int(plotW), xRange: (xAxis.lo, xAxis.hi))
            var d = "", penDown = false
            for p in points {
                guard p.x.isFinite, let v = yValue(p.y) else { penDown = false; continue }
                d += (penDown ? "L" : "M") + Format.coordinate(px(p.x)) + " " + Format.coordinate(py(v))
                penDown = true
            }
            out += "<path stroke=\"\(colour)\" d=\"\(d)\"><title>\(SVG.escape(s.label))</title></path>\n"
        }
        out += "</g>\n"

        // Legend under the x-axis label.
        out += "<g class=\"legend\">\n"
        for (i, s) in series.enumerated() {
            let y = top + plotH + 56 + 18 * Double(i)
            let colour = SVG.palette[i % SVG.palette.count]
            out += "<rect x=\"\(Format.coordinate(left))\" y=\"\(Format.coordinate(y - 9))\" width=\"18\" height=\"4\" fill=\"\(colour)\"/>\n"
            out += "<text x=\"\(Format.coordinate(left + 26))\" y=\"\(Format.coordinate(y - 3))\">\(SVG.escape(s.label))</text>\n"
        }
        out += "</g>\n</svg>\n"
        return out
    }
}
