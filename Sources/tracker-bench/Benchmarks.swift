import ArgumentParser

/// Every benchmark subcommand; one line each.
let benchmarks: [any ParsableCommand.Type] = [
    IngestBench.self,
    DataBench.self,
    TrainBench.self,
    QueryBench.self,
    UIBench.self,
    AgentsBench.self,
    UICompareBench.self,
]
