import ArgumentParser
import Tracker

/// `tracker show RUN`: everything about one run.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a run: config, params, environment, lineage, final and best metrics, events, checkpoints.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "Run id (any unique prefix).") var runID: String
    @Option(help: "Output format: table or json.") var format: DocumentFormat = .table

    func run() throws {
        let report = try store.openForReading().report(run: runID)
        if format == .json { Console.out(report.json.pretty); return }
        Console.out(RunReportText(report).render())
    }
}

/// The text form of a `RunReport`.
struct RunReportText {
    let report: RunReport
    init(_ report: RunReport) { self.report = report }

    func render() -> String {
        let r = report.run
        var out: [String] = []
        out.append("run \(r.id)  \(r.name)  [\(TerminalStyle.status(r.status))]\(r.deleted ? "  (deleted)" : "")")
        out.append("experiment  \(r.experiment)")
        out.append("started     \(Format.localTime(r.startedAt))   ended \(Format.localTime(r.endedAt))   duration \(Format.duration(r.duration))")
        out.append("seed        \(r.seed)   config \(r.configHash.prefix(12))")
        if let host = r.host { out.append("host        \(host) (pid \(r.pid.map(String.init) ?? "?"))") }
        out.append("lineage     origin \(r.origin.rawValue)" + (r.parentID.map { ", parent \($0)" } ?? "")
                   + (report.children.isEmpty ? "" : ", children \(report.children.joined(separator: ", "))"))
        out.append(TerminalStyle.heading("config"))
        out.append(report.config.pretty)
        if !report.summary.params.isEmpty {
            out.append(TerminalStyle.heading("params"))
            out.append(TextTable(["key", "value"], rows: report.summary.params.keys.sorted().map { [$0, report.summary.params[$0]?.description ?? ""] }).render())
        }
        if !report.summary.tags.isEmpty {
            out.append(TerminalStyle.heading("tags"))
            out.append(report.summary.tags.keys.sorted().map { "\($0) = \(report.summary.tags[$0] ?? "")" }.joined(separator: "\n"))
        }
        out.append(TerminalStyle.heading("environment"))
        out.append(report.environment.pretty)
        if !report.summary.metrics.isEmpty {
            out.append(TerminalStyle.heading("metrics"))
            var t = TextTable(["key", "final", "step", "best", "best step", "min", "min step", "max", "max step", "points"])
            for key in report.summary.metrics.keys.sorted() {
                guard let m = report.summary.metrics[key] else { continue }
                let best = MetricGoal(metric: key).best(of: m)
                t.add([key, Format.number(m.last), String(m.lastStep), Format.number(best?.value), best.map { String($0.step) } ?? "-",
                       Format.number(m.min), m.minStep.map(String.init) ?? "-", Format.number(m.max), m.maxStep.map(String.init) ?? "-",
                       m.nanCount > 0 ? "\(m.count) (\(m.nanCount) NaN)" : String(m.count)])
            }
            out.append(t.render())
        }
        if !report.events.isEmpty {
            out.append(TerminalStyle.heading("events"))
            var t = TextTable(["step", "level", "kind", "message"])
            for e in report.events { t.add([e.step.map(String.init) ?? "-", e.level.rawValue, e.kind, e.message]) }
            t.rightAligned = [0]
            out.append(t.render())
        }
        if !report.checkpoints.isEmpty {
            out.append(TerminalStyle.heading("checkpoints"))
            out.append(CheckpointTable.render(report.checkpoints))
        }
        if !report.landscapes.isEmpty {
            out.append(TerminalStyle.heading("landscapes"))
            var t = TextTable(["id", "kind", "checkpoint", "grid", "span", "samples", "seed", "centre loss", "min loss", "non-convex share", "points/s"])
            for l in report.landscapes {
                t.add([l.id.map(String.init) ?? "-", l.kind.rawValue, "step \(l.checkpointStep)" + (l.endRunID.map { " → \($0) step \(l.endCheckpointStep.map(String.init) ?? "?")" } ?? ""),
                       l.kind == .plane ? "\(l.grid)×\(l.grid)" : String(l.grid), Format.number(l.span), String(l.subsetSize), String(l.directionSeed),
                       Format.number(l.centreLoss), Format.number(l.loss.filter(\.isFinite).min()),
                       Format.number(l.curvature?.nonConvexShare), Format.number(l.pointsPerSecond)])
            }
            t.rightAligned = [0, 3, 4, 5, 6, 7, 8, 9, 10]
            out.append(t.render())
        }
        return out.joined(separator: "\n")
    }
}
