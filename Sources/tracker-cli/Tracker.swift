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
        discussion: "The database is ./tracker.db unless --db or TRACKER_DB says otherwise.",
        version: "tracker \(TrainerInfo.version) (commit \(TrainerInfo.gitCommit))",
        subcommands: commands)

    /// Exit codes: 0 ok, 1 user error (bad id, bad config, bad file), 2 usage.
    static func main() {
        // Only the training commands do matrix products; the others start faster without the re-exec.
        if CommandLine.arguments.count > 1, ["train", "resume", "rerun"].contains(CommandLine.arguments[1]) {
            BLAS.reexecWithQuietThreads()
        } else {
            BLAS.stopIdleThreads()
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as LocalizedError where !(error is any CustomNSError) || error is TrackerError {
            FileHandle.standardError.write(Data("error: \(error.errorDescription ?? "\(error)")\n".utf8))
            Foundation.exit(1)
        } catch {
            let code = exitCode(for: error)
            if code == .success || code.rawValue == 130 || code.rawValue == 143 { exit(withError: error) }
            let message = fullMessage(for: error)
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}
