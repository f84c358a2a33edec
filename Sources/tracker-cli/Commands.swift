import ArgumentParser

/// Every subcommand, one file each.
let commands: [any ParsableCommand.Type] = [
    Train.self,
    Resume.self,
    Rerun.self,
    DebugWrite.self,
]
