import ArgumentParser
import Foundation
import Tracker

/// `tracker check`: SQLite's `PRAGMA integrity_check` on the store, read-only.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the store file's integrity (PRAGMA integrity_check); prints ok or the problems, exit 1 on problems.")

    @OptionGroup var store: StoreOptions

    func run() throws {
        let result = try store.openForReading().integrityCheck()
        print(result)
        if result != "ok" { throw ExitCode(1) }
    }
}
