/// The params of an experiment's runs as a report shows them: list elements
/// (`model.widths.0`, `.1`, …) folded into one value (`64 × 20`), constant schedules into
/// their value (`optimizer.lr = 0.001`), the config's `name`
/// left out (the run's name is its own column), and split into what every run shares
/// (the report's config) and what varies (the table's columns).
struct ReportColumns {
    /// Param → value shared by all runs, sorted by key (without `derived.*`).
    var common: [(key: String, value: String)]
    /// Params that differ between runs, sorted (without the dataset fingerprint: a hash, not a
    /// setting; runs of different data seeds differ in it and in nothing a reader compares).
    var varying: [String]
    /// Run id → folded param → value.
    var values: [String: [String: String]]

    init(_ runs: [RunSummary]) {
        var values: [String: [String: String]] = [:]
        for r in runs { values[r.run.id] = Self.fold(r.params) }
        self.values = values
        let keys = Set(values.values.flatMap(\.keys))
        let first = runs.first.flatMap { values[$0.run.id] } ?? [:]
        let varying = keys.filter { k in runs.contains { values[$0.run.id]?[k] != first[k] } }
        self.varying = varying.filter { $0 != "derived.dataset_fingerprint" }.sorted()
        common = keys.subtracting(varying).filter { !$0.hasPrefix("derived.") }.sorted().compactMap { k in first[k].map { (k, $0) } }
    }

    /// The params with list elements and constant schedules folded and `name` dropped.
    static func fold(_ params: [String: ParamValue]) -> [String: String] {
        var out: [String: String] = [:]
        var lists: [String: [(Int, String)]] = [:]
        for (k, v) in params where k != "name" {
            if let dot = k.lastIndex(of: "."), let i = Int(k[k.index(after: dot)...]), i >= 0 {
                lists[String(k[..<dot]), default: []].append((i, v.description))
            } else {
                out[k] = v.description
            }
        }
        // A constant schedule (`l2.type = constant`, `l2.value = 0.001`) reads as its value (`l2 = 0.001`).
        for (k, v) in out where k.hasSuffix(".type") && v == "constant" {
            let parent = String(k.dropLast(".type".count))
            if let value = out[parent + ".value"] {
                out[parent] = value
                out[k] = nil
                out[parent + ".value"] = nil
            }
        }
        for (k, items) in lists {
            let vs = items.sorted { $0.0 < $1.0 }.map(\.1)
            out[k] = Set(vs).count == 1 && vs.count > 1 ? "\(vs[0]) × \(vs.count)" : "[" + vs.joined(separator: ", ") + "]"
        }
        return out
    }
}

extension StudyReport {
    static func table(_ c: RunComparison, columns: ReportColumns) -> String {
        func num(_ v: Double?) -> String {
            guard let v else { return "—" }
            return v.isFinite ? String(format: abs(v) >= 100 ? "%.0f" : "%.4f", v) : "\(v)"
        }
        func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
        var header = ["run", "name", "status", "wall time"] + columns.varying + c.metrics
        header += ["gap (\(c.trainMetric) − \(c.valMetric))", "best \(c.bestMetric)", "best epoch"]
        header = header.map(cell)
        var lines = ["| " + header.joined(separator: " | ") + " |", "|" + String(repeating: " --- |", count: header.count)]
        for r in c.rows {
            var cells = [r.run.id, cell(r.run.name), r.run.status.rawValue, Format.duration(r.run.duration)]
            cells += columns.varying.map { cell(columns.values[r.run.id]?[$0] ?? "—") }
            cells += c.metrics.map { num(r.final[$0]) }
            cells += [num(r.gap), num(r.bestValue), r.bestEpoch.map(String.init) ?? "—"]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The Laplace and Gaussian fits of each run's weights at its last histogram epoch (runs
    /// recorded with `logging.histograms: true`), or nothing when no run has them.
    static func priorFitTable(store: Store, rows: [RunComparison.Row]) throws -> String {
        var lines: [String] = []
        for r in rows {
            let fits = try store.priorFits(run: r.run.id)
            guard let step = fits.map(\.step).max() else { continue }
            for f in fits where f.step == step {
                let fit = f.fit
                lines.append("| \(r.run.id) | \(r.run.name.replacingOccurrences(of: "|", with: "\\|")) | \(f.tensor) | \(f.epoch.map(String.init) ?? "—") | "
                    + "\(Format.number(fit.laplaceScale)) | \(Format.number(fit.laplaceLogLikelihood)) | \(Format.number(fit.gaussianStd)) | "
                    + "\(Format.number(fit.gaussianLogLikelihood)) | \(fit.better.rawValue) |")
            }
        }
        guard !lines.isEmpty else { return "" }
        return "\n## Prior fits (the MAP reading of L1/L2)\n\n"
            + "Maximum-likelihood Laplace (scale b = mean |w − median|) and Gaussian (σ) fits of each weight tensor at the last histogram epoch; "
            + "log-likelihoods are per weight, in nats (higher fits better).\n\n"
            + "| run | name | tensor | epoch | Laplace b | Laplace log-lik | Gaussian σ | Gaussian log-lik | better |\n"
            + "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n" + lines.joined(separator: "\n") + "\n"
    }
}
