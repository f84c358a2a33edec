import ArgumentParser
import Tracker
import Trainer

/// `tracker resume RUN`: continues a stopped run from its latest checkpoint, same id.
struct Resume: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Continue an interrupted or crashed run from its latest checkpoint (same run id).",
        discussion: """
            Points logged after that checkpoint are dropped and written again; the finished records equal those of a run never \
            interrupted. A run that stopped before its first checkpoint starts again from step 0. A run that another live process \
            trains is refused, naming it (pid@host, last heartbeat); a holder that is gone (pid dead on this host, or no heartbeat \
            for a minute) is taken over.
            """)

    @OptionGroup var store: StoreOptions
    @Argument(help: "The run id (any unique prefix).") var runID: String

    func run() throws {
        let opened = try store.openExisting()
        if let why = try opened.resolveRun(runID).notTrainedByTracker(verb: "resume") { throw ValidationError(why) }
        let trap = SignalTrap()
        let outcome = try ExperimentRunner(store: opened, progress: ProgressPrinter(), interrupt: trap.flag).resume(runID)
        if let code = trap.exitCode { throw ExitCode(code) }
        if outcome.status != .finished { throw ExitCode(1) }
    }
}
