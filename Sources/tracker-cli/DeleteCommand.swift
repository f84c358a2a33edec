import ArgumentParser
import Tracker

/// `tracker delete RUN…`: soft-delete runs (hidden until `tracker gc` purges them).
struct DeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Soft-delete runs: hidden from listings; `tracker gc` removes them for good.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "Run ids (unique prefixes).") var runs: [String]

    func validate() throws { if runs.isEmpty { throw ValidationError("give at least one run id") } }

    func run() throws {
        let store = try self.store.openExisting()
        for id in runs {
            let run = try store.deleteRun(id)
            Console.out("deleted \(run.id) (\(run.name)); run `tracker gc` to purge it")
        }
    }
}
