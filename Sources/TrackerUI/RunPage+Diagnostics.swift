import Foundation
import Tracker

extension RunPage {
    /// Most tensors whose latest histogram is drawn.
    static let maxHistograms = 16
    /// Points a line of the server-drawn per-layer gradient chart keeps.
    static let layerLinePoints = 600

    /// Gradient heat map and verdict, per-layer statistics, BatchNorm running statistics,
    /// weight histograms.
    func diagnostics() throws -> String {
        var out = try gradients()
        out += try layerStatistics()
        out += try batchNorm()
        out += try histograms()
        return out
    }

    private func gradients() throws -> String {
        let report = try cache.gradients(store: store, run: self.report.ref, summary: self.report.summary)
        guard !report.tensors.isEmpty else { return HTML.section("Gradients", id: "grads", "<p class=\"muted\">no gradient statistics</p>") }
        let api = "/api/runs/\(HTML.url(self.report.run.id))/grads"
        var out = "<p>verdict: <b>\(report.verdict.rawValue)</b> — \(HTML.escape(report.reason))</p>\n<div class=\"charts grads\">\n"
        out += "<div class=\"heat-wrap\" data-grads=\"\(api)\">"
        out += HeatMapSVG(labels: report.tensors, steps: report.steps, values: report.norms,
                          title: "gradient L2 norm per tensor (log colour scale)").svg()
        out += "</div>\n"
        // The per-layer line view: the L2 norms drawn here (readable without JavaScript);
        // web/layers.js replaces them with a chart of any statistic, with hover and zoom.
        let lines = zip(report.tensors, report.norms).map { tensor, row in
            ChartSeries(label: tensor, points: ChartData.downsampled(zip(report.steps, row).map { ChartSeries.Point(x: Double($0), y: $1) },
                                                                     points: RunPage.layerLinePoints))
        }
        out += "<div class=\"layer-lines\" id=\"layer-lines\" data-url=\"\(api)/\">"
        out += "<div class=\"static-layer-lines\">"
        out += ChartData.chart(lines, title: "gradient L2 norm per tensor", yLabel: "L2 norm", width: 560, height: 320)
        out += "</div></div>\n</div>\n"
        return HTML.section("Gradients", id: "grads", out)
    }

    private func layerStatistics() throws -> String {
        let stats = try store.layerStats(run: self.report.ref)
        guard !stats.isEmpty else { return "" }
        var byStat: [String: [String: [ChartSeries.Point]]] = [:]
        var layerOrder: [String] = []
        for s in stats {
            if byStat[s.stat]?[s.layer] == nil, !layerOrder.contains(s.layer) { layerOrder.append(s.layer) }
            byStat[s.stat, default: [:]][s.layer, default: []].append(ChartSeries.Point(x: Double(s.step), y: s.value))
        }
        var out = "<div class=\"charts\">\n"
        for stat in byStat.keys.sorted() {
            guard let layers = byStat[stat] else { continue }
            let series = layerOrder.compactMap { l in layers[l].map { ChartSeries(label: l, points: $0) } }
            out += ChartData.chart(series, title: stat, yLabel: stat, width: 460, height: 300)
        }
        out += "</div>\n"
        return HTML.section("Weights and activations per layer", id: "layers", out)
    }

    private func batchNorm() throws -> String {
        let stats = try store.bnStats(run: self.report.ref)
        guard !stats.isEmpty else { return "" }
        let report = BNReport(stats: stats)
        var layers: [String] = []
        for r in report.rows where !layers.contains(r.layer) { layers.append(r.layer) }
        func series(_ value: (BNReport.Row) -> Double) -> [ChartSeries] {
            layers.map { l in
                ChartSeries(label: l, points: report.rows.filter { $0.layer == l }.map {
                    ChartSeries.Point(x: Double($0.epoch ?? $0.step), y: value($0))
                })
            }
        }
        let xLabel = report.rows.allSatisfy { $0.epoch != nil } ? "epoch" : "step"
        var out = "<div class=\"charts\">\n"
        out += HTML.inline(svg: LineChart(series: series(\.meanAverage), title: "running mean (average over channels)", xLabel: xLabel,
                                          yLabel: "mean", width: 460, height: 300).svg())
        out += HTML.inline(svg: LineChart(series: series(\.varAverage), title: "running variance (average over channels)", xLabel: xLabel,
                                          yLabel: "variance", width: 460, height: 300).svg())
        out += "</div>\n"
        let last = layers.compactMap { l in report.rows.last { $0.layer == l } }
        out += HTML.table(["layer", "epoch", "channels", "mean avg", "|mean| max", "var avg", "var min", "var max"], last.map {
            [.text($0.layer), .int($0.epoch), .int($0.channels), .num($0.meanAverage), .num($0.meanAbsMax), .num($0.varAverage), .num($0.varMin), .num($0.varMax)]
        }, id: "bn-table")
        return HTML.section("BatchNorm running statistics", id: "bn", out)
    }

    private func histograms() throws -> String {
        let all = try store.histograms(run: self.report.ref)
        guard !all.isEmpty else { return "" }
        var latest: [String: HistogramRecord] = [:], order: [String] = []
        for h in all {
            if latest[h.tensor] == nil { order.append(h.tensor) }
            if (latest[h.tensor]?.step ?? Int.min) <= h.step { latest[h.tensor] = h }
        }
        var fits: [String: [Int: PriorFit]] = [:]
        for f in try store.priorFits(run: self.report.ref) { fits[f.tensor, default: [:]][f.step] = f.fit }
        var out = "<div class=\"charts\">\n"
        for t in order.prefix(RunPage.maxHistograms) {
            if let h = latest[t] { out += HistogramSVG(histogram: h, fit: fits[t]?[h.step]).svg() }
        }
        out += "</div>\n"
        let caption = fits.isEmpty ? "" : "<p>Lines: the maximum-likelihood Laplace (orange) and Gaussian (green) densities of the weights, with their log-likelihoods per weight (higher fits better).</p>\n"
        return HTML.section("Weight histograms (latest)", id: "histograms", caption + out)
    }
}
