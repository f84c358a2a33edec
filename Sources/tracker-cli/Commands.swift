import ArgumentParser

/// Every subcommand, one file each.
let commands: [any ParsableCommand.Type] = [
    DebugWrite.self,
]
