import ArgumentParser
import Tracker

/// `tracker delete RUN…`: soft-delete runs (hidden until `tracker gc` purges them).
struct DeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Soft-delete runs: hidden from listings; `tracker gc` removes them for good.",
        discussion: "A run that is still training is refused; --force hides it now, and gc purges it only after its trainer ends.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "Run ids (unique prefixes).") var runs: [String]
    @Flag(help: "Also delete runs that are still training (purged by gc once they end).") var force = false

    func validate() throws { if runs.isEmpty { throw ValidationError("give at least one run id") } }

    func run() throws {
        let store = try self.store.openExisting()
        for id in runs {
            let run = try store.deleteRun(id, force: force)
            let training = try store.lease(of: run.id).map { !$0.isGone() } ?? false
            Console.out("deleted \(run.id) (\(run.name)); " + (training ? "it is still training: `tracker gc` purges it after it ends" : "run `tracker gc` to purge it"))
        }
    }
}
