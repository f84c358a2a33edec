import ArgumentParser
import Foundation
import Tracker

/// `tracker migrate`: applies the schema migrations an existing store lacks.
///
/// Read commands refuse a store that lacks a migration they need instead of upgrading it
/// behind the user's back; writing commands (`train`, `resume`, …) still migrate on their own.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Upgrade an existing store to this tracker's schema (says what it applied).",
        discussion: "A missing, empty or foreign file is refused and left untouched.")

    @OptionGroup var store: StoreOptions

    func run() throws {
        let path = store.path
        let applied = try Store.migrate(path: path)
        if applied.isEmpty {
            Console.out("\(StoreLocation.redacted(path)) is up to date (schema version \(Store.supportedSchemaVersion)); nothing to do")
            return
        }
        for m in applied { Console.out("applied migration \(m.version) (\(m.name))") }
        Console.out("\(StoreLocation.redacted(path)) is now at schema version \(Store.supportedSchemaVersion)")
    }
}
