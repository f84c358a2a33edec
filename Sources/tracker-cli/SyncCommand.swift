import ArgumentParser
import Foundation
import Tracker

/// `tracker sync SRC DST`: copies runs between two stores, by run id.
struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Copy runs with everything they hold from one store into another (idempotent by run id, resumable).",
        discussion: """
            Each run is copied in one transaction, so an interrupted sync leaves every run whole or absent and the \
            next sync finishes the job; runs already in DST with the same data are skipped. A run whose id holds \
            different data in DST stops the sync before anything is written. Runs a live process trains are not \
            copied; a run left `running` by a process that is gone is copied as crashed. SRC is only read; DST is \
            created when missing.
            """)

    @Argument(help: ArgumentHelp("The store to copy from (read only).", valueName: "src")) var source: String
    @Argument(help: ArgumentHelp("The store to copy into (created when missing).", valueName: "dst")) var destination: String
    @Option(help: "Only runs of this experiment.") var experiment: String?
    @Option(name: .customLong("where"), help: ArgumentHelp("Only runs matching this filter (as in tracker runs --where).", valueName: "filter"))
    var filter: String?
    @Flag(help: "Say what would be copied; write nothing (DST is not created).") var dryRun = false

    func run() throws {
        let src = try Store(path: source, access: .read)
        if try Self.sameFile(source, destination) { throw SyncError.sameStore(StoreLocation.redacted(source)) }
        let selection = SyncSelection(experiment: experiment, filter: filter)
        // A missing DST is created only once the plan holds (a bad filter leaves no file behind).
        // A PostgreSQL destination is a database that exists (tracker never creates one).
        let existing = StoreLocation.isPostgres(destination) || FileManager.default.fileExists(atPath: destination)
            ? try Store(path: destination, access: dryRun ? .read : .record) : nil
        let plan = try StoreSync.plan(from: src, to: existing, selection: selection)
        if dryRun { return report(plan, copied: nil) }
        let dst = try existing ?? Store(path: destination, access: .record)
        let copied = try StoreSync.execute(plan, from: src, to: dst) { Console.out(Self.line($0, dryRun: false)) }
        report(plan, copied: copied, printCopies: false)
    }

    private func report(_ plan: StoreSync.Plan, copied: Int?, printCopies: Bool = true) {
        for item in plan.items where printCopies || !plan.toCopy.contains(where: { $0.run.id == item.run.id }) {
            Console.out(Self.line(item, dryRun: copied == nil))
        }
        var counts: [String: Int] = [:]
        for item in plan.items { counts[Self.bucket(item.action), default: 0] += 1 }
        let verb = copied == nil ? "would copy" : "copied"
        var parts = ["\(verb) \(copied ?? plan.toCopy.count) run\((copied ?? plan.toCopy.count) == 1 ? "" : "s")"]
        for (key, label) in [("there", "already in DST"), ("running", "still running, not copied"), ("waits", "waiting for a parent")] {
            if let n = counts[key] { parts.append("\(n) \(label)") }
        }
        Console.out("sync \(StoreLocation.redacted(source)) → \(StoreLocation.redacted(destination)): " + parts.joined(separator: ", "))
    }

    static func bucket(_ action: StoreSync.Action) -> String {
        switch action {
        case .copy, .copyAsCrashed: return "copy"
        case .alreadyThere: return "there"
        case .running: return "running"
        case .waitsForParent: return "waits"
        }
    }

    /// One line a run: `copied 3fa2c1d0 overfitting/dropout-0.5 (1,234 rows)`.
    static func line(_ item: StoreSync.Item, dryRun: Bool) -> String {
        let what = "\(item.run.id) \(item.run.info.experiment)/\(item.run.info.name)"
        let parent = item.asParent ? ", the parent of a selected run" : ""
        switch item.action {
        case .copy: return "\(dryRun ? "would copy" : "copied") \(what) (\(item.rows) rows\(parent))"
        case .copyAsCrashed: return "\(dryRun ? "would copy" : "copied") \(what) as crashed: its process is gone (\(item.rows) rows\(parent))"
        case .alreadyThere: return "already in DST: \(what)"
        case .running(let holder): return "not copied: \(what) is still running (\(holder)); sync again once it has ended"
        case .waitsForParent(let parent, let reason): return "not copied: \(what) derives from run \(parent), and \(reason)"
        }
    }

    /// Whether two paths name one file (by device and inode), so a store is never synced into itself.
    static func sameFile(_ a: String, _ b: String) throws -> Bool {
        if StoreLocation.isPostgres(a) || StoreLocation.isPostgres(b) { return a == b }
        var sa = stat(), sb = stat()
        guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return false }
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }
}
