import ArgumentParser

/// Every subcommand, one file each.
let commands: [any ParsableCommand.Type] = [
    Train.self,
    Resume.self,
    Rerun.self,
    RunsCommand.self,
    ShowCommand.self,
    MetricsCommand.self,
    DiffCommand.self,
    CompareCommand.self,
    GradsCommand.self,
    BNCommand.self,
    PlotCommand.self,
    CheckpointsCommand.self,
    ExportCommand.self,
    TagCommand.self,
    DeleteCommand.self,
    GCCommand.self,
    ExperimentsCommand.self,
    ReportCommand.self,
    HistCommand.self,
    UICommand.self,
    ServerCommand.self,
    CheckCommand.self,
    MigrateCommand.self,
    DebugWrite.self,
]
