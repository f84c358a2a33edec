import ArgumentParser

/// Every benchmark subcommand; one line each.
let benchmarks: [any ParsableCommand.Type] = [
    IngestBench.self,
    DataBench.self,
    TrainBench.self,
    ProcessBench.self,
    FashionBench.self,
    QueryBench.self,
    UIBench.self,
    AgentsBench.self,
    UICompareBench.self,
]
