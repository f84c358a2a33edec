import ArgumentParser
import Tracker

/// `tracker export RUN --out DIR`: a run as plain files.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a run to a folder: config, params, metrics CSV, statistics, events, checkpoint files (SHA-256 verified).")

    @OptionGroup var store: StoreOptions
    @Argument(help: "Run id (any unique prefix).") var runID: String
    @Option(help: "The folder to write (created when missing).") var out: String

    func run() throws {
        let files = try RunExporter(store: store.openForReading()).export(run: runID, to: out)
        for f in files { Console.out("\(out)/\(f)") }
    }
}
