import ArgumentParser
import Tracker

/// `tracker experiments`: experiments with their run counts.
struct ExperimentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "experiments", abstract: "List experiments with their run counts.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
        let list = try store.openForReading().experimentSummaries()
        switch output.format {
        case .json: output.printJSON(.array(list.map(\.json)))
        case .csv:
            Console.out(CSV.table(["name", "runs", "finished", "running", "last_run"], list.map {
                [$0.name, String($0.runs), String($0.finished), String($0.running), Format.isoTime($0.lastRunAt) ?? ""]
            }), terminator: "")
        case .table:
            if list.isEmpty { Console.err("no experiments yet"); return }
            Console.out(TextTable(["experiment", "runs", "finished", "running", "last run"], rows: list.map {
                [$0.name, String($0.runs), String($0.finished), String($0.running), Format.localTime($0.lastRunAt)]
            }).render())
        }
    }
}
