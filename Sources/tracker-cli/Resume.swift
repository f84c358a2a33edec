import ArgumentParser
import Tracker
import Trainer

/// `tracker resume RUN`: continues a stopped run from its latest checkpoint, same id.
struct Resume: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Continue an interrupted or crashed run from its latest checkpoint (same run id).",
        discussion: "Points logged after that checkpoint are dropped and written again; the finished series equal those of a run never interrupted.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "The run id (any unique prefix).") var runID: String

    func run() throws {
        let trap = SignalTrap()
        let outcome = try Experiment(store: try store.openExisting(), progress: ProgressPrinter(), interrupt: trap.flag).resume(runID)
        if let code = trap.exitCode { throw ExitCode(code) }
        if outcome.status != .finished { throw ExitCode(1) }
    }
}
