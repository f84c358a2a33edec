import ArgumentParser
import Foundation
import Tracker

/// `tracker tag RUN key=value…`: set tags on a run.
struct TagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tag", abstract: "Set tags on a run (key=value; an existing key is replaced).")

    @OptionGroup var store: StoreOptions
    @Argument(help: "Run id (any unique prefix).") var runID: String
    @Argument(help: "Tags as key=value.") var tags: [String]

    func validate() throws {
        if tags.isEmpty { throw ValidationError("give at least one key=value") }
        for t in tags where !t.contains("=") || t.hasPrefix("=") { throw ValidationError("'\(t)' is not key=value") }
    }

    func run() throws {
        let store = try self.store.openExisting()
        let id = try store.runRef(runID)
        for t in tags {
            let parts = t.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0]).trimmingCharacters(in: .whitespaces), value = parts.count > 1 ? String(parts[1]) : ""
            try store.setTag(run: id, key: key, value: value)
            Console.out("\(id): \(key) = \(value)")
        }
    }
}
