import ArgumentParser

/// Every benchmark subcommand; one line each.
let benchmarks: [any ParsableCommand.Type] = [
    IngestBench.self,
    QueryBench.self,
]
