import ArgumentParser

/// Every benchmark subcommand; one line each.
let benchmarks: [any ParsableCommand.Type] = [
    TrainBench.self,
]
