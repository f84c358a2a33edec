import Tracker

/// The columns of `tracker runs`: fixed ones, then varying params, then final metrics.
struct RunListing {
    let runs: [RunSummary]
    let paramKeys: [String]
    let metricKeys: [String]

    init(_ runs: [RunSummary]) {
        self.runs = runs
        paramKeys = RunSummary.varyingParamKeys(runs)
        metricKeys = RunSummary.metricKeys(runs)
    }

    /// The table for people; varying params that do not fit `width` are left out (and named).
    func table(width: Int = Console.width) -> String {
        var t = TextTable(["id", "experiment", "name", "status", "start", "duration"] + paramKeys + metricKeys)
        for r in runs {
            t.add([r.run.id, r.run.experiment, r.run.name, TerminalStyle.status(r.run.status), Format.localTime(r.run.startedAt), Format.duration(r.run.duration)]
                  + paramKeys.map { r.params[$0]?.description ?? "-" }
                  + metricKeys.map { Format.number(r.metrics[$0]?.last) })
        }
        let dropped = t.fit(width: width, droppable: Array(6..<(6 + paramKeys.count)))
        let note = dropped.isEmpty ? "" : "\n" + TerminalStyle.dim("(\(dropped.count) more varying param\(dropped.count == 1 ? "" : "s") not shown for width: \(dropped.prefix(4).joined(separator: ", "))\(dropped.count > 4 ? ", …" : ""); see --format csv or json)")
        return t.render() + note
    }

    func csv() -> String {
        CSV.table(["id", "experiment", "name", "status", "start", "end", "duration_s"] + paramKeys.map { "params.\($0)" } + metricKeys.map { "metrics.\($0)" },
                  runs.map { r in
            [r.run.id, r.run.experiment, r.run.name, r.run.status.rawValue, Format.isoTime(r.run.startedAt) ?? "", Format.isoTime(r.run.endedAt) ?? "",
             r.run.duration.map(CSV.number) ?? ""]
                + paramKeys.map { r.params[$0]?.description ?? "" }
                + metricKeys.map { r.metrics[$0].map { CSV.number($0.last) } ?? "" }
        })
    }
}
