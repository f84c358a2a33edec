import ArgumentParser
import Foundation
import Tracker
import Trainer

/// The `tracker` command: train, list, query, compare and re-run experiments stored in one SQLite file.
@main
struct TrackerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tracker",
        abstract: "Train neural networks and track every experiment, reproducibly, in one SQLite file.",
        discussion: "The database is ./tracker.db unless --db or TRACKER_DB says otherwise. Add --verbose to any command to see the technical detail of an error (SQLite codes and statements).",
        version: "tracker \(TrainerInfo.version) (commit \(TrainerInfo.gitCommit))",
        subcommands: commands)

    /// Exit codes: 0 ok, 1 user error (bad id, bad config, bad file), 2 usage.
    /// `--verbose` (anywhere, before `--`) adds the technical detail to an error.
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        ErrorReport.verbose = ErrorReport.takeVerboseFlag(&arguments)
        // Only the training commands do matrix products; the others start faster without the re-exec.
        if let verb = arguments.first, ["train", "resume", "rerun", "agent"].contains(verb) {
            BLAS.reexecWithQuietThreads()
        } else {
            BLAS.stopIdleThreads()
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            if let (message, detail) = ErrorReport.describe(error) {
                ErrorReport.print(message: message, detail: detail)
                Foundation.exit(1)
            }
            let code = exitCode(for: error)
            if code == .success || code.rawValue == 130 || code.rawValue == 143 { exit(withError: error) }
            let message = fullMessage(for: error)
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}
