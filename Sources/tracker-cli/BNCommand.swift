import ArgumentParser
import Tracker

/// `tracker bn RUN`: BatchNorm running statistics per layer per epoch.
struct BNCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bn", abstract: "BatchNorm running mean/variance summaries per layer per epoch.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "Run id (any unique prefix).") var runID: String
    @OptionGroup var output: FormatOptions

    func run() throws {
        let store = try self.store.openForReading()
        let id = try store.runRef(runID, includeDeleted: true)
        let report = BNReport(stats: try store.bnStats(run: id))
        let headers = ["layer", "epoch", "step", "channels", "mean avg", "|mean| max", "var avg", "var min", "var max"]
        switch output.format {
        case .json: output.printJSON(report.json)
        case .csv:
            Console.out(CSV.table(headers.map { $0.replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "|", with: "") }, report.rows.map {
                [$0.layer, $0.epoch.map(String.init) ?? "", String($0.step), String($0.channels), CSV.number($0.meanAverage),
                 CSV.number($0.meanAbsMax), CSV.number($0.varAverage), CSV.number($0.varMin), CSV.number($0.varMax)]
            }), terminator: "")
        case .table:
            guard !report.rows.isEmpty else { throw TrackerError.invalidArgument("run \(id) has no BatchNorm statistics (no BatchNorm layer, or not recorded)") }
            Console.out(TextTable(headers, rows: report.rows.map {
                [$0.layer, $0.epoch.map(String.init) ?? "-", String($0.step), String($0.channels), Format.number($0.meanAverage),
                 Format.number($0.meanAbsMax), Format.number($0.varAverage), Format.number($0.varMin), Format.number($0.varMax)]
            }).render())
        }
    }
}
