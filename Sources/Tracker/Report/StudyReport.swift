import Foundation

/// A Markdown page for one experiment: the comparison table (with the overfitting gap and
/// best epoch), the alerts, and SVG charts of the curves, written into a folder.
public struct StudyReport {
    /// Charts drawn when the runs have the metric: (metric, title, log scale).
    public static let charts: [(metric: String, title: String, logY: Bool)] = [
        ("val_acc", "validation accuracy", false),
        ("train_acc", "training accuracy", false),
        ("val_loss", "validation loss", false),
        ("train_loss", "training loss", true),
        ("grad_ratio_first_last", "first/last layer gradient-norm ratio", true),
        ("weight_norm", "weight L2 norm", false),
        ("near_zero_fraction", "fraction of near-zero weights (|w| < 1e-3)", false),
    ]

    public let experiment: String
    public let comparison: RunComparison
    public let markdown: String
    /// File name → SVG text.
    public let figures: [(name: String, svg: String)]

    /// Builds the report of `experiment` from the store.
    public init(store: Store, experiment: String, notes: String? = nil) throws {
        guard try store.experiments().contains(experiment) else { throw TrackerError.experimentNotFound(experiment) }
        self.experiment = experiment
        comparison = try store.compare(where: nil, experiment: experiment, sort: "start:asc")
        var figures: [(String, String)] = []
        var md = "# Study: \(experiment)\n\n"
        if let notes { md += notes.trimmingCharacters(in: .whitespacesAndNewlines) + "\n\n" }
        md += "\(comparison.rows.count) runs, generated \(Format.isoTime(Date().timeIntervalSince1970) ?? "now") by `tracker report`.\n\n"
        md += "## Runs\n\n" + Self.table(comparison) + "\n"

        let keysByRun = try comparison.rows.map { (id: $0.run.id, keys: Set(try store.metricKeys(run: $0.run.id))) }
        md += "\n## Curves\n\n"
        for chart in Self.charts {
            let runs = keysByRun.filter { $0.keys.contains(chart.metric) }.map(\.id)
            guard !runs.isEmpty else { continue }
            // Per-epoch metrics are drawn against the epoch; the per-step gradient ratio against the step.
            let axis: ChartAxis = chart.metric == "grad_ratio_first_last" ? .step : .epoch
            let series = try store.chartSeries(runs: runs, metrics: [chart.metric], x: axis)
            let file = "\(chart.metric).svg"
            let svg = LineChart(series: series, title: chart.title, xLabel: axis.rawValue,
                                yLabel: chart.metric, logY: chart.logY, width: 820, height: 420).svg()
            figures.append((file, svg))
            md += "### \(chart.title)\n\n![\(chart.title)](\(file))\n\n"
        }

        let landscapes = try Self.landscapeSection(store: store, comparison: comparison)
        md += landscapes.markdown
        figures += landscapes.figures

        var alerts = ""
        for row in comparison.rows {
            for e in try store.events(run: row.run.id) where e.level != .info || ["overfitting", "best_epoch", "early_stop"].contains(e.kind) {
                alerts += "- **\(row.run.name)** (\(row.run.id)), \(e.kind)" + (e.epoch.map { ", epoch \($0)" } ?? "") + ": \(e.message)\n"
            }
        }
        if !alerts.isEmpty { md += "## Alerts and events\n\n" + alerts + "\n" }
        markdown = md
        self.figures = figures
    }

    /// Writes `README.md` and the SVG files into `directory` (created if needed).
    public func write(to directory: String) throws -> [String] {
        let dir = URL(fileURLWithPath: directory)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var written: [String] = []
        let page = dir.appendingPathComponent("README.md")
        try Data(markdown.utf8).write(to: page, options: .atomic)
        written.append(page.path)
        for f in figures {
            let url = dir.appendingPathComponent(f.name)
            try Data(f.svg.utf8).write(to: url, options: .atomic)
            written.append(url.path)
        }
        return written
    }

    static func table(_ c: RunComparison) -> String {
        func num(_ v: Double?) -> String {
            guard let v else { return "—" }
            return v.isFinite ? String(format: abs(v) >= 100 ? "%.0f" : "%.4f", v) : "\(v)"
        }
        func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
        var header = ["run", "name", "status"] + c.paramKeys + c.metrics + ["gap (\(c.trainMetric) − \(c.valMetric))", "best \(c.bestMetric)", "best epoch"]
        header = header.map(cell)
        var lines = ["| " + header.joined(separator: " | ") + " |", "|" + String(repeating: " --- |", count: header.count)]
        for r in c.rows {
            var cells = [r.run.id, cell(r.run.name), r.run.status.rawValue]
            cells += c.paramKeys.map { cell(r.params[$0]?.description ?? "—") }
            cells += c.metrics.map { num(r.final[$0]) }
            cells += [num(r.gap), num(r.bestValue), r.bestEpoch.map(String.init) ?? "—"]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
