import ArgumentParser
import Tracker
import Trainer

/// `tracker rerun RUN`: trains a stored run again and checks that it reproduces.
struct Rerun: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a stored run's config again (same seed and threads) as a new run and compare the two.",
        discussion: "Reports 'identical' or the first divergence (metric, step, both values). Where the environments differ (CPU, BLAS, threads, build), it names the fields and compares with a stated tolerance.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "The run id (any unique prefix).") var runID: String
    @Flag(help: "Exit non-zero when the re-run diverges.") var verify = false

    func run() throws {
        let opened = try store.openExisting()
        if let why = try opened.resolveRun(runID).notTrainedByTracker(verb: "re-run") { throw ValidationError(why) }
        let trap = SignalTrap()
        let (outcome, report) = try ExperimentRunner(store: opened, progress: ProgressPrinter(), interrupt: trap.flag).rerun(runID)
        if let code = trap.exitCode { throw ExitCode(code) }
        Console.out(report.summary)
        if outcome.status != .finished { throw ExitCode(1) }
        if verify && !report.identical { throw ExitCode(1) }
    }
}
