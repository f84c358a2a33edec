import Foundation

/// `tracker sync SRC DST`: copies runs, with everything they hold, from one store into
/// another, by run id.
///
/// - Idempotent: a run already in DST with the same content is left alone, so a second sync
///   writes nothing.
/// - Resumable: each run is copied in one transaction on DST, so a kill leaves each run there
///   whole or not at all, and the next sync copies the rest.
/// - Safe: when one id holds different data on both sides, the sync refuses before writing
///   anything, naming the run and the tables that differ.
/// - A run a live process is training is not copied (the next sync takes it once it ended);
///   a `running` run whose process is provably gone is copied as `crashed`, as every reader
///   shows it. A run derives from its parent, so a parent is copied along with it.
///
/// Written against `SyncSource` and `SyncDestination`, so any two backends can be its ends.
public enum StoreSync {
    /// What a sync does with one run.
    public enum Action: Sendable, Equatable {
        case copy
        /// Copied as `crashed`: its row says running, its process is provably gone.
        case copyAsCrashed
        /// Already in DST with the same content.
        case alreadyThere
        /// A live process trains it (who, and its heartbeat).
        case running(String)
        /// Waits for its parent, which is not copied now (its id, and why).
        case waitsForParent(String, reason: String)
    }

    public struct Item: Sendable {
        public var run: SyncRun
        public var action: Action
        /// Taken along because a selected run derives from it.
        public var asParent: Bool
        /// Rows the run owns (its own row included), for the report.
        public var rows: Int
    }

    /// The runs a sync would touch, parents before children, and what it does with each.
    public struct Plan: Sendable {
        public var items: [Item]
        public var toCopy: [Item] { items.filter { $0.action == .copy || $0.action == .copyAsCrashed } }
    }

    /// Looks at every selected run (and the parents they need) on both sides; refuses with
    /// `SyncError.conflicts` when a run holds different data in DST, before anything is
    /// written. A nil destination is one that does not exist yet (a dry run into a new store).
    public static func plan(from source: any SyncSource, to destination: (any SyncDestination)?, selection: SyncSelection) throws -> Plan {
        var items: [Item] = []
        var planned: [String: Action] = [:]
        var conflicts: [SyncError.Conflict] = []
        func visit(_ run: SyncRun, asParent: Bool, depth: Int) throws {
            guard planned[run.id] == nil else { return }
            guard depth < maxLineage else { throw SyncError.lineageTooDeep(run: run.id, limit: maxLineage) }
            let digest = try RunDigest.of(run, in: source)
            let rows = digest.counts.values.reduce(0, +)
            if let destination, let there = try destination.syncRun(id: run.id) {
                let theirs = try RunDigest.of(there, in: destination)
                if theirs == digest {
                    planned[run.id] = .alreadyThere
                    items.append(Item(run: run, action: .alreadyThere, asParent: asParent, rows: rows))
                } else {
                    planned[run.id] = .alreadyThere  // not copied either way
                    conflicts.append(SyncError.Conflict(run: run.id, name: run.info.name, tables: digest.differences(from: theirs),
                                                        counts: digest.counts, theirCounts: theirs.counts))
                }
                return
            }
            if run.info.status == .running {
                let holder = ProcessHolder(pid: run.info.pid, host: run.info.host, heartbeat: run.info.heartbeatAt).describe()
                planned[run.id] = .running(holder)
                items.append(Item(run: run, action: .running(holder), asParent: asParent, rows: rows))
                return
            }
            if let parentID = run.info.parentID {
                guard let parent = try source.syncRun(id: parentID) else {
                    throw SyncError.missingParent(run: run.id, parent: parentID, store: source.syncName)
                }
                try visit(parent, asParent: true, depth: depth + 1)
                switch planned[parentID] {
                case .copy?, .copyAsCrashed?, .alreadyThere?: break
                default:
                    var why = "it is not copied"
                    if case .running? = planned[parentID] { why = "it is still running" }
                    planned[run.id] = .waitsForParent(parentID, reason: why)
                    items.append(Item(run: run, action: .waitsForParent(parentID, reason: why), asParent: asParent, rows: rows))
                    return
                }
            }
            let action: Action = run.leftRunning ? .copyAsCrashed : .copy
            planned[run.id] = action
            items.append(Item(run: run, action: action, asParent: asParent, rows: rows))
        }
        for run in try source.syncRuns(selection) { try visit(run, asParent: false, depth: 0) }
        if !conflicts.isEmpty { throw SyncError.conflicts(conflicts, source: source.syncName, destination: destination?.syncName ?? "DST") }
        return Plan(items: items)
    }

    /// Parents a sync follows from one run, at most (a cycle cannot be stored, but a file can lie).
    public static let maxLineage = 1_000

    /// Copies every run of `plan` that is to be copied, one transaction each, in order;
    /// `progress` hears of each run once it is committed. Returns how many were copied (a run
    /// another sync copied meanwhile is neither counted nor reported).
    @discardableResult
    public static func execute(_ plan: Plan, from source: any SyncSource, to destination: any SyncDestination,
                               progress: (Item) -> Void = { _ in }) throws -> Int {
        var copied = 0
        for item in plan.toCopy {
            if try destination.insertSyncRun(item.run, from: source, number: copied + 1) {
                copied += 1
                progress(item)
            }
        }
        return copied
    }
}

/// Why a sync stopped.
public enum SyncError: Error, LocalizedError, Equatable, Sendable {
    /// One id, different data on the two sides.
    public struct Conflict: Sendable, Equatable {
        public var run: String
        public var name: String
        /// The tables that differ (`runs` for the run's own row).
        public var tables: [String]
        public var counts: [String: Int]
        public var theirCounts: [String: Int]

        /// `run 3fa2c1d0 (dropout-0.5): metrics (1200 rows here, 600 there), runs row`.
        public var description: String {
            let what = tables.map { t in
                t == "runs" ? "its run record" : counts[t] == theirCounts[t] ? "\(t)" : "\(t) (\(counts[t] ?? 0) rows in SRC, \(theirCounts[t] ?? 0) in DST)"
            }
            return "run \(run) (\(name)): \(what.joined(separator: ", "))"
        }
    }

    case conflicts([Conflict], source: String, destination: String)
    case missingParent(run: String, parent: String, store: String)
    case lineageTooDeep(run: String, limit: Int)
    case sameStore(String)

    public var errorDescription: String? {
        switch self {
        case .conflicts(let list, let source, let destination):
            let shown = list.prefix(10).map { "  " + $0.description }.joined(separator: "\n")
            let more = list.count > 10 ? "\n  … and \(list.count - 10) more" : ""
            return "\(list.count == 1 ? "a run holds" : "\(list.count) runs hold") different data in \(source) and \(destination); nothing was copied:\n\(shown)\(more)\n"
                + "Compare them (tracker diff, tracker show --db …) and delete or rename the copy that is wrong before syncing again."
        case .missingParent(let run, let parent, let store):
            return "run \(run) derives from run \(parent), which \(store) does not hold; nothing of run \(run) was copied"
        case .lineageTooDeep(let run, let limit):
            return "run \(run) has more than \(limit) ancestors (or its parents form a loop); the store looks damaged"
        case .sameStore(let path):
            return "SRC and DST are the same store (\(path)); give two different stores"
        }
    }
}
