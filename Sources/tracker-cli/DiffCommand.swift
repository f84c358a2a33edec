import ArgumentParser
import Tracker

/// `tracker diff RUN_A RUN_B`: what differs between two runs.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two runs: params, config, architecture, environment, metrics with deltas, first diverging step.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "The first run (any unique id prefix).") var runA: String
    @Argument(help: "The second run.") var runB: String
    @Option(help: "Output format: table or json.") var format: DocumentFormat = .table

    func run() throws {
        let diff = try store.openForReading().diff(runA, runB)
        if format == .json { Console.out(diff.json.pretty); return }
        Console.out(RunDiffText(diff).render())
    }
}

/// The text form of a `RunDiff`.
struct RunDiffText {
    let diff: RunDiff
    init(_ diff: RunDiff) { self.diff = diff }

    private func text(_ v: JSONValue?) -> String { v.map { $0.canonical } ?? "(absent)" }

    func render() -> String {
        let a = diff.a, b = diff.b
        var out = ["A = \(a.id) \(a.name) [\(a.status.rawValue)]", "B = \(b.id) \(b.name) [\(b.status.rawValue)]"]
        out.append(diff.sameConfig ? "same config (\(a.configHash.prefix(12)))" : "configs differ")
        func changes(_ title: String, _ list: [JSONChange]) {
            out.append(TerminalStyle.heading(title))
            if list.isEmpty { out.append("  (no differences)"); return }
            out.append(TextTable(["path", "A", "B"], rows: list.map { [$0.path, text($0.a), text($0.b)] }).render())
        }
        out.append(TerminalStyle.heading("params"))
        if diff.params.isEmpty { out.append("  (no differences)") } else {
            out.append(TextTable(["key", "A", "B"], rows: diff.params.map { [$0.key, $0.a?.description ?? "(absent)", $0.b?.description ?? "(absent)"] }).render())
        }
        changes("architecture (config model.*)", diff.architecture)
        changes("config", diff.config.filter { !diff.architecture.contains($0) })
        changes("environment", diff.environment)
        out.append(TerminalStyle.heading("metrics"))
        if diff.metrics.isEmpty { out.append("  (no metrics)") } else {
            var t = TextTable(["key", "final A", "final B", "Δ final", "best A", "best B", "Δ best", "best"])
            for m in diff.metrics {
                t.add([m.key, Format.number(m.finalA), Format.number(m.finalB), Format.delta(m.finalDelta),
                       Format.number(m.bestA), Format.number(m.bestB), Format.delta(m.bestDelta), m.goal == .maximize ? "max" : "min"])
            }
            out.append(t.render())
        }
        out.append(TerminalStyle.heading("series"))
        if diff.divergences.isEmpty { out.append("  (no metric in common)") }
        for d in diff.divergences {
            if let step = d.step {
                out.append("  \(d.key): first differs at step \(step): A = \(d.a.map { "\($0)" } ?? "(no point)"), B = \(d.b.map { "\($0)" } ?? "(no point)") (\(d.matchingPoints) identical points before)")
            } else {
                out.append("  \(d.key): identical (\(d.matchingPoints) points, bit for bit)")
            }
        }
        return out.joined(separator: "\n")
    }
}
