import ArgumentParser

@main
struct TrackerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tracker", abstract: "Train neural networks and track every experiment in one SQLite file.")
}
