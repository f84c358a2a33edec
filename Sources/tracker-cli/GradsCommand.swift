import ArgumentParser
import Tracker

/// `tracker grads RUN`: gradient norms per tensor over time, and a verdict.
struct GradsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grads",
        abstract: "Gradient L2 norms per parameter tensor over steps as a heat map (log scale), the first/last layer ratio and a verdict.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "Run id (any unique prefix).") var runID: String
    @Option(help: "Columns to draw in (default: the terminal width).") var width: Int?
    @Option(help: "Output format: table or json.") var format: OutputFormat = .table

    func validate() throws { try OptionBounds.check(width, "width", OptionBounds.columns) }

    func run() throws {
        let store = try self.store.openForReading()
        let id = try store.runRef(runID, includeDeleted: true)
        let report = try store.gradientReport(run: id)
        if format == .json { Console.out(report.json.pretty); return }
        guard !report.tensors.isEmpty else { throw TrackerError.invalidArgument("run \(id) has no gradient statistics") }
        let map = TextHeatMap(labels: report.tensors, values: report.norms).render(width: width ?? Console.width)
        Console.out("gradient L2 norm per tensor, steps \(report.steps.first ?? 0)…\(report.steps.last ?? 0) →  (log10 scale: ' ' \(Format.number(map.lo)) … '█' \(Format.number(map.hi)))")
        map.lines.forEach { Console.out($0) }
        if let f = report.firstWeight, let l = report.lastWeight {
            Console.out("first/last layer ratio (median over steps of ‖∇\(f)‖ / ‖∇\(l)‖): \(Format.number(report.firstLastRatio))")
        }
        Console.out("max norm \(Format.number(report.maxNorm)); growth over training ×\(Format.number(report.growth))")
        let verdict = report.verdict.rawValue.uppercased()
        let painted = Console.useColor ? (report.verdict == .healthy ? "\u{1B}[32m\(verdict)\u{1B}[0m" : "\u{1B}[31m\(verdict)\u{1B}[0m") : verdict
        Console.out("verdict: \(painted) — \(report.reason)")
    }
}
