import ArgumentParser
import Foundation
import Tracker
import Trainer

/// `tracker sweep submit|status`: a sweep queued in the store for agents to share.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Queue a sweep's runs in the store for `tracker agent` processes to train, and follow it.",
        discussion: """
            tracker sweep submit CONFIG records every run of the config's sweep as queued; agents on any node that reaches \
            the store (one per Slurm array task or Kubernetes pod) claim them one at a time. tracker sweep status shows where \
            each run stands. See examples/cluster/.
            """,
        subcommands: [SweepSubmit.self, SweepStatus.self])
}

/// `tracker sweep submit CONFIG`: checks the whole sweep, then queues its runs.
struct SweepSubmit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Record every run of a config's sweep as queued (nothing is trained here).",
        discussion: "Every point of the sweep is checked (and its data loaded) before any run is queued; all are queued in one transaction, or none.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "The experiment config (YAML or JSON).") var config: String
    @Option(name: .customLong("set"), help: ArgumentHelp("Override a config key (repeatable), e.g. --set optimizer.lr=0.01.", valueName: "key=value"))
    var overrides: [String] = []

    func run() throws {
        let plan = try ExperimentPlan.load(path: config, overrides: overrides)
        let ids = try ExperimentRunner(store: try store.open()).submit(plan)
        for (id, planned) in zip(ids, plan) { Console.out("queued \(id) \(planned.name)") }
        let experiments = Set(plan.map(\.config.experiment)).sorted().joined(separator: ", ")
        Console.out("\(ids.count) run\(ids.count == 1 ? "" : "s") of \(experiments) queued in \(store.displayPath); train them with: tracker agent --db \(store.displayPath) --until-empty")
    }
}
