import ArgumentParser
import Foundation
import Tracker

/// `--db PATH`, shared by every subcommand that touches the store.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The database file (default: $TRACKER_DB or ./tracker.db).", valueName: "path"))
    var db: String?

    var path: String { db ?? ProcessInfo.processInfo.environment["TRACKER_DB"] ?? "tracker.db" }

    /// Opens the store; read-only commands still open read-write so that crashed runs get marked,
    /// unless the file is not writable.
    func open(readOnly: Bool = false) throws -> Store {
        if readOnly || (FileManager.default.fileExists(atPath: path) && !FileManager.default.isWritableFile(atPath: path)) {
            return try Store(path: path, readOnly: true)
        }
        return try Store(path: path)
    }

    /// Opens an existing store for reading; a missing file is an error, not a new empty database.
    func openExisting() throws -> Store {
        guard FileManager.default.fileExists(atPath: path) else { throw TrackerError.databaseMissing(path: path) }
        return try open()
    }
}
