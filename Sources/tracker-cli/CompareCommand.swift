import ArgumentParser
import Tracker

/// `tracker compare`: runs × metrics with the overfitting gap and the best epoch.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Runs side by side on chosen metrics, with the overfitting gap (train − val) and the best epoch.",
        discussion: """
            Give run ids, or --where FILTER (as in tracker runs). Metrics default to train_acc, val_acc, val_loss and
            test_acc when present. Example: tracker compare --where "params.model.depth = 8" --metric val_acc
            """)

    @OptionGroup var store: StoreOptions
    @Argument(help: "Run ids (unique prefixes).") var runs: [String] = []
    @Option(name: .customLong("where"), help: ArgumentHelp("Compare the runs this filter selects.", valueName: "filter")) var filter: String?
    @Option(help: "Only runs of this experiment (with --where).") var experiment: String?
    @Option(help: "Order by KEY[:asc|desc] (with --where).") var sort: String?
    @Option(help: "At most this many runs (with --where).") var limit: Int?
    @Option(name: .customLong("metric"), help: "A metric column (repeatable).") var metrics: [String] = []
    @Option(help: "The training metric of the gap.") var trainMetric = "train_acc"
    @Option(help: "The validation metric of the gap and the best epoch.") var valMetric = "val_acc"
    @OptionGroup var output: FormatOptions

    func validate() throws {
        try OptionBounds.check(limit, "limit", OptionBounds.limit)
        if runs.isEmpty && filter == nil && experiment == nil { throw ValidationError("give run ids or --where FILTER (or --experiment NAME)") }
        if !runs.isEmpty && (filter != nil || sort != nil || limit != nil) { throw ValidationError("give run ids or --where, not both") }
    }

    func run() throws {
        let store = try self.store.openForReading()
        let chosen = metrics.isEmpty ? nil : metrics
        let c = runs.isEmpty
            ? try store.compare(where: filter, experiment: experiment, sort: sort, limit: limit, metrics: chosen, trainMetric: trainMetric, valMetric: valMetric)
            : try store.compare(runs: runs, metrics: chosen, trainMetric: trainMetric, valMetric: valMetric)
        let headers = ["id", "name"] + c.paramKeys + c.metrics + ["gap", "best \(c.bestMetric)", "best epoch"]
        let rows = c.rows.map { r in
            [r.run.id, r.run.name] + c.paramKeys.map { r.params[$0]?.description ?? "-" }
                + c.metrics.map { m in output.format == .csv ? r.final[m].map(CSV.number) ?? "" : Format.number(r.final[m]) }
                + [output.format == .csv ? r.gap.map(CSV.number) ?? "" : Format.number(r.gap),
                   output.format == .csv ? r.bestValue.map(CSV.number) ?? "" : Format.number(r.bestValue),
                   r.bestEpoch.map(String.init) ?? (output.format == .csv ? "" : "-")]
        }
        switch output.format {
        case .json: output.printJSON(c.json)
        case .csv: Console.out(CSV.table(headers, rows), terminator: "")
        case .table:
            if c.rows.isEmpty { Console.err("no run to compare"); return }
            var table = TextTable(headers, rows: rows)
            let dropped = table.fit(width: Console.width, droppable: Array(2..<(2 + c.paramKeys.count)))
            Console.out(table.render())
            if !dropped.isEmpty { Console.out(TerminalStyle.dim("(\(dropped.count) varying params not shown for width; see --format csv or json)")) }
            Console.out(TerminalStyle.dim("gap = final \(c.trainMetric) − final \(c.valMetric); best epoch = epoch of the \(MetricGoal(metric: c.bestMetric) == .maximize ? "highest" : "lowest") \(c.bestMetric)"))
        }
    }
}
