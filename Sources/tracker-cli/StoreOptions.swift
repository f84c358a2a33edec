import ArgumentParser
import Foundation
import Tracker

/// `--db PATH`, shared by every subcommand that touches the store.
///
/// Three ways to open it, one per kind of command (see `Store.Access`): only `train` creates
/// a store; editing commands need an existing one; read commands never write to the file.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The database file, or a PostgreSQL URL postgresql://user@host:port/db (default: $TRACKER_DB or ./tracker.db).", valueName: "path"))
    var db: String?

    var path: String { db ?? ProcessInfo.processInfo.environment["TRACKER_DB"] ?? "tracker.db" }

    /// `path` fit to print (a PostgreSQL URL without its password).
    var displayPath: String { StoreLocation.redacted(path) }

    /// For commands that record new runs (`train`): a missing or empty file becomes a store.
    func open() throws -> Store { try Store(path: path, access: .record) }

    /// For commands that change an existing store (`resume`, `rerun`, `tag`, `delete`, `gc`).
    func openExisting() throws -> Store { try Store(path: path, access: .edit) }

    /// For read commands: read-only, nothing created, migrated or marked.
    func openForReading() throws -> Store { try Store(path: path, access: .read) }
}
