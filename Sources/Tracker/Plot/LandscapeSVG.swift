import Foundation

/// A stored loss landscape as SVG: the plane as a heat map of log10(loss) with contour
/// lines, the checkpoint at the centre and the run's projected checkpoints; the line as a
/// loss curve over t ∈ [0, 1] (`LineChart`).
public struct LandscapeSVG: Sendable {
    public var landscape: LandscapeRecord
    public var title: String
    /// The plot's side in pixels (the plane is square).
    public var side: Int
    /// Contour levels, evenly spaced in log10(loss).
    public var levels = 12

    public init(_ landscape: LandscapeRecord, title: String? = nil, side: Int = 420) {
        self.landscape = landscape
        self.title = title ?? "run \(landscape.runID): \(landscape.title)"
        self.side = min(4000, max(120, side))
    }

    public func svg() -> String {
        if landscape.kind == .line {
            let xs = (0..<landscape.loss.count).map { landscape.coordinate($0) }
            return LineChart(series: [ChartSeries(label: "loss", xs: xs, ys: landscape.loss)], title: title,
                             xLabel: "t (0 = step \(landscape.checkpointStep), 1 = the other end)", yLabel: "loss",
                             width: side + 260, height: side).svg()
        }
        let n = landscape.grid
        guard n >= 2, landscape.loss.count == n * n else { return "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n" }
        let logs = landscape.loss.map { $0 > 0 && $0.isFinite ? log10($0) : .nan }
        let finite = logs.filter(\.isFinite)
        let lo = finite.min() ?? 0, hi = finite.max() ?? 1
        let left = 50.0, top = title.isEmpty ? 10.0 : 30.0, plot = Double(side)
        let cell = plot / Double(n - 1)
        func px(_ i: Double) -> Double { left + i * cell }
        func py(_ j: Double) -> Double { top + plot - j * cell }
        let width = Int(left + plot + 110), height = Int(top + plot + 44)
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"landscape\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"sans-serif\" font-size=\"11\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        if !title.isEmpty { out += "<text x=\"\(f(left))\" y=\"18\" font-size=\"13\">\(SVG.escape(title))</text>\n" }
        out += "<g>"
        for i in 0..<n {
            for j in 0..<n {
                let v = logs[i * n + j]
                let colour = v.isFinite ? HeatMapSVG.colour(hi > lo ? (v - lo) / (hi - lo) : 0.5) : "#e0e0e0"
                let x0 = max(left, px(Double(i) - 0.5)), x1 = min(left + plot, px(Double(i) + 0.5))
                let y0 = max(top, py(Double(j) + 0.5)), y1 = min(top + plot, py(Double(j) - 0.5))
                out += "<rect x=\"\(f(x0))\" y=\"\(f(y0))\" width=\"\(f(x1 - x0 + 0.3))\" height=\"\(f(y1 - y0 + 0.3))\" fill=\"\(colour)\"/>"
            }
        }
        out += "</g>\n<g stroke=\"white\" stroke-width=\"0.8\" stroke-opacity=\"0.8\" fill=\"none\">"
        if hi > lo {
            for k in 1...levels {
                let level = lo + (hi - lo) * Double(k) / Double(levels + 1)
                for s in Self.contour(logs, grid: n, level: level) {
                    out += "<line x1=\"\(f(px(s.0)))\" y1=\"\(f(py(s.1)))\" x2=\"\(f(px(s.2)))\" y2=\"\(f(py(s.3)))\"/>"
                }
            }
        }
        out += "</g>\n"
        // The projected checkpoints: grid index = (coordinate + span) / (2·span) · (n − 1).
        let span = landscape.span
        func index(_ c: Double) -> Double { (c + span) / (2 * span) * Double(n - 1) }
        let path = landscape.trajectory.filter { abs($0.x) <= span && abs($0.y) <= span }
        if path.count > 1 {
            out += "<polyline fill=\"none\" stroke=\"#e15759\" stroke-width=\"1.5\" points=\"" + path.map { "\(f(px(index($0.x)))),\(f(py(index($0.y))))" }.joined(separator: " ") + "\"/>\n"
        }
        for p in path { out += "<circle cx=\"\(f(px(index(p.x))))\" cy=\"\(f(py(index(p.y))))\" r=\"2.5\" fill=\"#e15759\"><title>step \(p.step)</title></circle>" }
        let c = Double(n - 1) / 2
        out += "\n<circle cx=\"\(f(px(c)))\" cy=\"\(f(py(c)))\" r=\"4\" fill=\"none\" stroke=\"black\" stroke-width=\"1.5\"><title>checkpoint at step \(landscape.checkpointStep)</title></circle>\n"
        // Axes: −span, 0, span on both.
        for (t, anchor) in [(0.0, "start"), (c, "middle"), (Double(n - 1), "end")] {
            let v = landscape.coordinate(Int(t))
            out += "<text x=\"\(f(px(t)))\" y=\"\(f(top + plot + 14))\" text-anchor=\"\(anchor)\">\(Format.number(v))</text>"
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(py(t) + 4))\" text-anchor=\"end\">\(Format.number(v))</text>"
        }
        out += "\n<text x=\"\(f(left + plot / 2))\" y=\"\(f(top + plot + 30))\" text-anchor=\"middle\">α (direction 1)</text>\n"
        let lx = left + plot + 20
        out += HeatMapSVG.legend(x: lx, top: top, lo: lo, hi: hi, caption: "loss (log)")
        if let m = landscape.curvature {
            out += "<text x=\"\(f(lx))\" y=\"\(f(top + 156))\">non-convex</text>\n"
            out += "<text x=\"\(f(lx))\" y=\"\(f(top + 170))\">share \(Format.number(m.nonConvexShare))</text>\n"
        }
        out += "</svg>\n"
        return out
    }

    /// Marching squares: the segments (x1, y1, x2, y2), in grid indices, where the field
    /// crosses `level`; cells with a non-finite corner are skipped.
    static func contour(_ v: [Double], grid n: Int, level: Double) -> [(Double, Double, Double, Double)] {
        var segments: [(Double, Double, Double, Double)] = []
        for i in 0..<(n - 1) {
            for j in 0..<(n - 1) {
                // Corners counter-clockwise from (i, j).
                let corners = [(Double(i), Double(j), v[i * n + j]), (Double(i + 1), Double(j), v[(i + 1) * n + j]),
                               (Double(i + 1), Double(j + 1), v[(i + 1) * n + j + 1]), (Double(i), Double(j + 1), v[i * n + j + 1])]
                guard corners.allSatisfy({ $0.2.isFinite }) else { continue }
                var crossings: [(Double, Double)] = []
                for e in 0..<4 {
                    let a = corners[e], b = corners[(e + 1) % 4]
                    if (a.2 < level) != (b.2 < level) {
                        let t = (level - a.2) / (b.2 - a.2)
                        crossings.append((a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1)))
                    }
                }
                // Two crossings: one segment; four (a saddle cell): pair them in order.
                for k in stride(from: 0, to: crossings.count - 1, by: 2) {
                    segments.append((crossings[k].0, crossings[k].1, crossings[k + 1].0, crossings[k + 1].1))
                }
            }
        }
        return segments
    }

    private func f(_ v: Double) -> String { Format.coordinate(v) }
}
