import ArgumentParser
import Foundation
import Tracker
import Trainer

/// `tracker train CONFIG`: trains each run the config (and its sweep) describes.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the runs a config file describes (YAML or JSON; a `sweep:` makes several).",
        discussion: "Every point of a sweep is checked before the first run starts. Ctrl-C checkpoints the current run and marks it interrupted; `tracker resume RUN` continues it.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "The experiment config (YAML or JSON).") var config: String
    @Option(name: .customLong("set"), help: ArgumentHelp("Override a config key (repeatable), e.g. --set optimizer.lr=0.01.", valueName: "key=value"))
    var overrides: [String] = []
    @Flag(help: "Check the config and list the runs without training.") var dryRun = false

    func run() throws {
        let plan = try ExperimentPlan.load(path: config, overrides: overrides)
        if dryRun {
            for p in plan { Console.out("\(p.name)\t\(p.json.canonical)") }
            return
        }
        let trap = SignalTrap()
        let experiment = ExperimentRunner(store: try store.open(), progress: ProgressPrinter(), interrupt: trap.flag)
        var outcomes: [ExperimentRunner.Outcome] = []
        for planned in plan {
            outcomes.append(try experiment.train(planned, origin: plan.count > 1 ? .sweep : .new))
            if trap.exitCode != nil { break }
        }
        if plan.count > 1 { try printSweepSummary(outcomes) }
        if let code = trap.exitCode { throw ExitCode(code) }
        if outcomes.contains(where: { $0.status != .finished }) { throw ExitCode(1) }
    }

    private func printSweepSummary(_ outcomes: [ExperimentRunner.Outcome]) throws {
        // The gap is the one `tracker compare` shows (train_acc − val_acc, both finite).
        let comparison = try store.open().compare(runs: outcomes.map(\.runID), metrics: ["train_acc", "val_acc", "test_acc"])
        let rows = zip(outcomes, comparison.rows).map { o, r -> [String] in
            func v(_ k: String) -> String { Format.number(r.final[k]) }
            return [o.runID, o.name, o.status.rawValue, v("train_acc"), v("val_acc"), Format.number(r.gap), v("test_acc")]
        }
        Console.out("\n" + TextTable(["run", "name", "status", "train_acc", "val_acc", "gap", "test_acc"], rows: rows).render())
    }
}
