import Foundation

/// A Markdown page for one experiment: the comparison table (with the overfitting gap and
/// best epoch), the alerts, and SVG charts of the curves, written into a folder.
public struct StudyReport {
    /// Charts drawn when the runs have the metric: (metric, title, log scale).
    public static let charts: [(metric: String, title: String, logY: Bool)] = [
        ("val_acc", "validation accuracy", false),
        ("shifted_acc", "accuracy on the shifted set (another share of pads)", false),
        ("shifted_acc_batch_stats", "accuracy on the shifted set, BatchNorm with batch statistics", false),
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

    /// The findings the experiment's predicates computed from its runs (see `Findings`).
    public let findings: [Finding]

    /// Builds the report of `experiment` from the store: every sentence in it is computed
    /// from the stored runs (findings by `Findings`, the config and wall time from the runs).
    public init(store: Store, experiment: String) throws {
        guard try store.experiments().contains(experiment) else { throw TrackerError.experimentNotFound(experiment) }
        self.experiment = experiment
        comparison = try store.compare(where: nil, experiment: experiment, sort: "start:asc")
        let summaries = try store.summaries(of: comparison.rows.map(\.run))
        findings = try Findings.of(experiment: experiment, runs: StudyRuns(store: store, runs: summaries))
        let columns = ReportColumns(summaries)
        var figures: [(String, String)] = []
        var md = "# Study: \(experiment)\n\n"
        let total = comparison.rows.compactMap(\.run.duration).reduce(0, +)
        md += "\(comparison.rows.count) runs, \(Format.duration(total)) of training in all (wall time, runs one after another), "
        md += "generated \(Format.isoTime(Date().timeIntervalSince1970) ?? "now") by `tracker report` from the runs in the store.\n\n"
        md += "## Findings\n\n"
        md += findings.isEmpty ? "No findings are defined for this experiment; the tables and charts below are the measurements.\n\n"
            : "Each expectation is checked against these runs by the same predicate the findings tests use (`Findings.\(experiment)`).\n\n"
                + findings.map { "- " + $0.sentence }.joined(separator: "\n") + "\n\n"
        md += "## Config\n\nShared by every run (the table below lists what varies):\n\n```\n" + columns.common.map { "\($0.key) = \($0.value)" }.joined(separator: "\n") + "\n```\n\n"
        md += "## Runs\n\n" + Self.table(comparison, columns: columns) + "\n"
        md += try Self.priorFitTable(store: store, rows: comparison.rows)

        let keysByRun = try comparison.rows.map { (id: $0.run.id, keys: Set(try store.metricKeys(run: $0.run.id))) }
        md += "## Curves\n\n"
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
}
