import Foundation

/// A small bar chart of one stored histogram (equal-width bins over [lo, hi]), with the
/// fitted Laplace (orange) and Gaussian (green) densities drawn over it when given, scaled
/// to expected counts per bin.
public struct HistogramSVG: Sendable {
    public var histogram: HistogramRecord
    public var fit: PriorFit?
    public var width = 300
    public var height = 170

    static let colours: [PriorFit.Prior: String] = [.laplace: "#f28e2b", .gaussian: "#59a14f"]

    public init(histogram: HistogramRecord, fit: PriorFit? = nil, width: Int = 300, height: Int = 170) {
        self.histogram = histogram
        self.fit = fit
        self.width = width
        self.height = height
    }

    public func svg() -> String {
        let h = histogram
        let left = 10.0, top = 22.0, plotW = Double(width) - 20, plotH = Double(height) - 44
        let barW = plotW / Double(max(1, h.counts.count))
        let binWidth = (h.hi - h.lo) / Double(max(1, h.counts.count))
        // Each curve: the fitted density × values × bin width (expected count per bin), sampled 4× per bin.
        let samples = max(2, h.counts.count * 4)
        let curves: [(PriorFit.Prior, [Double])] = fit.map { f in
            PriorFit.Prior.allCases.map { prior in
                (prior, (0...samples).map { i in f.density(prior, at: h.lo + (h.hi - h.lo) * Double(i) / Double(samples)) * Double(f.count) * binWidth })
            }
        } ?? []
        let fittedPeak = curves.flatMap(\.1).filter(\.isFinite).max() ?? 0
        let peak = max(Double(h.counts.max() ?? 1), min(fittedPeak, 4 * Double(h.counts.max() ?? 1)))
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"histogram\" width=\"\(width)\" height=\"\(height)\" font-family=\"sans-serif\" font-size=\"11\">"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>"
        out += "<text x=\"\(Int(left))\" y=\"14\">\(SVG.escape(h.tensor)) · step \(h.step)</text>"
        for (i, c) in h.counts.enumerated() where c > 0 {
            let bh = peak > 0 ? Double(c) / peak * plotH : 0
            out += "<rect x=\(q(left + Double(i) * barW)) y=\(q(top + plotH - bh)) width=\(q(max(0.5, barW - 0.5))) height=\(q(bh)) fill=\"#4e79a7\"/>"
        }
        for (prior, ys) in curves where peak > 0 {
            let points = ys.enumerated().map { i, y in
                String(format: "%.1f,%.1f", left + plotW * Double(i) / Double(samples), top + plotH - min(plotH, max(0, y.isFinite ? y : 0) / peak * plotH))
            }
            out += "<polyline class=\"fit-\(prior.rawValue)\" fill=\"none\" stroke=\"\(Self.colours[prior] ?? "black")\" stroke-width=\"1.5\" points=\"\(points.joined(separator: " "))\"/>"
        }
        if let f = fit {
            out += "<text x=\"\(Int(left + plotW))\" y=\"14\" text-anchor=\"end\"><tspan fill=\"\(Self.colours[.laplace] ?? "black")\">Laplace \(SVG.escape(Format.number(f.laplaceLogLikelihood)))</tspan> "
                + "<tspan fill=\"\(Self.colours[.gaussian] ?? "black")\">Gauss \(SVG.escape(Format.number(f.gaussianLogLikelihood)))</tspan></text>"
        }
        out += "<text x=\"\(Int(left))\" y=\"\(height - 6)\">\(SVG.escape(AxisTicks.label(h.lo)))</text>"
        out += "<text x=\"\(Int(left + plotW))\" y=\"\(height - 6)\" text-anchor=\"end\">\(SVG.escape(AxisTicks.label(h.hi)))</text>"
        return out + "</svg>\n"
    }

    private func q(_ v: Double) -> String { "\"" + String(format: "%.1f", v) + "\"" }
}
