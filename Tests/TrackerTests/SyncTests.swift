import Foundation
import Testing
@testable import Tracker

@Suite("tracker sync: runs copied between stores")
struct SyncTests {
    /// Syncs `src` into `dst` (created when missing) and returns the plan it followed.
    @discardableResult
    func sync(_ src: String, _ dst: String, _ selection: SyncSelection = SyncSelection()) throws -> StoreSync.Plan {
        let source = try Store(path: src, access: .read)
        let destination = try Store(path: dst, access: .record)
        let plan = try StoreSync.plan(from: source, to: destination, selection: selection)
        try StoreSync.execute(plan, from: source, to: destination)
        return plan
    }

    /// The store's `PRAGMA data_version` as another connection sees it: it moves when any
    /// other connection commits a change to the file. PostgreSQL has no such counter: there
    /// it is the SHA-256 of every row of every table (StoreDump), which moves when content does.
    final class DataVersion {
        let db: Connection
        let path: String
        init(_ path: String) throws {
            self.path = path
            db = try Connection(path: path, mode: .readOnly)
        }
        var now: String {
            get throws {
                guard db.isPostgres else { return String(try db.first("PRAGMA data_version") { $0.int(0) } ?? -1) }
                let dump = try StoreDump.dump(path)
                return SHA256.hex(dump.keys.sorted().map { "\($0)\n" + (dump[$0] ?? []).joined(separator: "\n") }.joined(separator: "\n\n"))
            }
        }
    }

    static let runTables = Set(RunTable.all.map(\.name)).union(["runs"])

    /// Every run-owned table equal row by row; the shared tables of the copy hold nothing
    /// the source does not.
    func expectSameRuns(_ a: String, _ b: String, runs: Set<String>, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let da = try StoreDump.dump(a, only: runs), db = try StoreDump.dump(b, only: runs)
        #expect(Set(da.keys) == Set(db.keys), sourceLocation: sourceLocation)
        for table in da.keys.sorted() where Self.runTables.contains(table) {
            #expect(da[table] == db[table], "table \(table) differs", sourceLocation: sourceLocation)
        }
        for table in ["experiments", "experiment_tags", "keys", "blobs"] {
            #expect(Set(db[table] ?? []).isSubset(of: Set(da[table] ?? [])), "table \(table) has rows the source lacks", sourceLocation: sourceLocation)
        }
        #expect(da["runs"]?.count == runs.count, sourceLocation: sourceLocation)
    }

    @Test("SQLite → PostgreSQL → SQLite (generated, seeded) is lossless table by table, and a second sync changes nothing",
          .enabled(if: TestBackend.adminURL != nil, "needs TRACKER_TEST_PG"))
    func acrossBackends() throws {
        for seed: UInt64 in [4, 5] {
            let files = TempDir(.sqlite), server = TempDir(.postgres)
            let a = files.store("a.db"), b = server.store("b"), c = files.store("c.db")
            let made = try SyncStoreGenerator.generate(at: a, seed: seed)
            try sync(a, b)
            try sync(b, c)
            try expectSameRuns(a, b, runs: Set(made.finished))
            try expectSameRuns(a, c, runs: Set(made.finished))
            let before = try DataVersion(b).now, beforeC = try DataVersion(c).now
            let again = try sync(a, b)
            #expect(again.toCopy.isEmpty)
            try sync(b, c)
            #expect(try DataVersion(b).now == before, "the second sync changed the PostgreSQL store")
            #expect(try DataVersion(c).now == beforeC, "the second sync changed the SQLite copy")
        }
    }

    @Test("generated stores (seeded) round-trip A → B → C: every table row by row, floats bit for bit, blobs, NaN and ±Inf", arguments: TestBackend.all)
    func roundTrip(backend: TestBackend) throws {
        for seed: UInt64 in [1, 2, 3] {
            let tmp = TempDir(backend)
            let a = tmp.store("a.db"), b = tmp.store("b.db"), c = tmp.store("c.db")
            let made = try SyncStoreGenerator.generate(at: a, seed: seed)
            let planAB = try sync(a, b)
            try sync(b, c)
            try expectSameRuns(a, b, runs: Set(made.finished))
            try expectSameRuns(a, c, runs: Set(made.finished))
            #expect(planAB.toCopy.count == made.finished.count + 1, "seed \(seed): every finished run and the dead one")
            let liveItem = planAB.items.first { $0.run.id == made.live }
            if case .running? = liveItem?.action {} else { Issue.record("seed \(seed): the live run was not held back: \(String(describing: liveItem?.action))") }
            let bStore = try Store(path: b, access: .read)
            #expect(throws: TrackerError.self) { _ = try bStore.resolveRun(made.live, includeDeleted: true) }
            // The run left running by a gone process: copied as crashed, ended at its last heartbeat.
            let gone = try bStore.resolveRun(made.leftRunning)
            let original = try Store(path: a, access: .read).resolveRun(made.leftRunning)
            #expect(gone.status == .crashed && original.status == .crashed)
            #expect(gone.endedAt == original.heartbeatAt)
            #expect(try bStore.metricSeries(run: gone.id, key: "loss").map(\.value) == [1])
            #expect(try bStore.integrityCheck() == "ok")
            // A writer opening A records the crash itself: the copy already holds the same rows.
            _ = try Store(path: a)
            #expect(try Store(path: a, access: .read).events(run: made.leftRunning).last?.kind == "crashed")
            let later = try StoreSync.plan(from: try Store(path: a, access: .read), to: try Store(path: b, access: .read), selection: SyncSelection())
            #expect(later.items.first { $0.run.id == made.leftRunning }?.action == .alreadyThere)
        }
    }

    @Test("NaN, ±Inf, −0 and subnormal metric values read back from the copy as from the source", arguments: TestBackend.all)
    func specialValues(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let a = tmp.store("a.db"), b = tmp.store("b.db")
        let store = try Store(path: a)
        let rec = try store.startRun(sampleStart())
        let values: [Double] = [.nan, .infinity, -.infinity, -0.0, .leastNonzeroMagnitude, Double(bitPattern: 0x0000_1234_5678_9ABC), .greatestFiniteMagnitude, 0.1 + 0.2]
        for (i, v) in values.enumerated() { rec.log("v", v, step: i, epoch: nil, wallTime: Double(i)) }
        try rec.finish(.finished)
        try sync(a, b)
        let read = { (path: String) in try Store(path: path, access: .read).metricSeries(run: rec.runID, key: "v").map { $0.value.isNaN ? "nan" : String($0.value.bitPattern, radix: 16) } }
        #expect(try read(a) == read(b))
        #expect(try read(b).first == "nan" && read(b)[1] == String(Double.infinity.bitPattern, radix: 16))
    }

    @Test("a second sync is a no-op: nothing copied, row counts, content hash and the file's data version unchanged", arguments: TestBackend.all)
    func idempotent(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let a = tmp.store("a.db"), b = tmp.store("b.db")
        let made = try SyncStoreGenerator.generate(at: a, seed: 11)
        try sync(a, b)
        let before = try StoreDump.dump(b)
        let version = try DataVersion(b)
        let v0 = try version.now
        let plan = try sync(a, b)
        #expect(plan.toCopy.isEmpty)
        #expect(plan.items.filter { $0.action == .alreadyThere }.count == made.finished.count + 1)
        #expect(try version.now == v0, "the second sync committed a change to DST")
        #expect(try StoreDump.dump(b) == before)
    }

    @Test("the same id holding different data refuses the whole sync, names the run and the table, and changes nothing", arguments: TestBackend.all)
    func conflict(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let a = tmp.store("a.db"), b = tmp.store("b.db")
        let made = try SyncStoreGenerator.generate(at: a, seed: 21)
        try sync(a, b)
        let victim = made.finished[0]
        try Store(path: b).setTag(run: victim, key: "note", value: "edited in B")
        let extra = try Store(path: a).startRun(sampleStart("new in A"))
        try extra.finish(.finished)
        let before = try StoreDump.dump(b)
        let version = try DataVersion(b)
        let v0 = try version.now
        do {
            try sync(a, b)
            Issue.record("a conflicting sync went through")
        } catch let error as SyncError {
            guard case .conflicts(let list, _, _) = error else { Issue.record("wrong error \(error)"); return }
            #expect(list.map(\.run) == [victim])
            #expect(list.first?.tables == ["tags"])
            #expect(error.localizedDescription.contains("run \(victim)"))
            #expect(error.localizedDescription.contains("nothing was copied"))
        }
        #expect(try version.now == v0)
        #expect(try StoreDump.dump(b) == before)
        #expect(throws: TrackerError.self) { _ = try Store(path: b, access: .read).resolveRun(extra.runID) }
    }

    @Test("--experiment and --where select runs; a selected run brings its parent along", arguments: TestBackend.all)
    func selection(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let a = tmp.store("a.db"), b = tmp.store("b.db")
        let store = try Store(path: a)
        let parent = try store.startRun(sampleStart("parent", experiment: "one"))
        try parent.finish(.finished)
        let child = try store.startRun(RunStart(experiment: "two", name: "child", config: .object(["lr": .double(0.5)]), seed: 3, parent: parent.run, origin: .rerun))
        try child.finish(.finished)
        let other = try store.startRun(RunStart(experiment: "two", name: "other", config: .object(["lr": .double(0.1)]), seed: 4))
        try other.finish(.finished)
        let plan = try sync(a, b, SyncSelection(experiment: "two", filter: "params.lr > 0.2"))
        #expect(plan.toCopy.map(\.run.id) == [parent.runID, child.runID])
        #expect(plan.toCopy.map(\.asParent) == [true, false])
        let copy = try Store(path: b, access: .read)
        #expect(try copy.resolveRun(child.runID).parentID == parent.runID)
        #expect(try copy.runs().count == 2)
        try expectSameRuns(a, b, runs: [parent.runID, child.runID])
    }

    @Test("a corrupt blob in the source stops the copy of its run, which leaves nothing behind", arguments: TestBackend.all)
    func corruptBlob(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        let a = tmp.store("a.db"), b = tmp.store("b.db")
        let store = try Store(path: a)
        let rec = try store.startRun(sampleStart())
        try rec.saveCheckpoint([1, 2, 3], step: 1, epoch: 0, kind: .last)
        try rec.finish(.finished)
        try store.db.run("UPDATE blobs SET data = x'010204'")
        #expect(throws: TrackerError.self) { try sync(a, b) }
        #expect(try Store(path: b, access: .read).runs().isEmpty)
    }

    @Test("RunTable lists every table and column of the schema that a run owns; the rest are the store's", arguments: TestBackend.all)
    func tableListMatchesSchema(backend: TestBackend) throws {
        let tmp = TempDir(backend)
        _ = try Store(path: tmp.store("s.db"))
        let db = try Connection(path: tmp.store("s.db"), mode: .readOnly)
        let tables = try TestSchema.tables(db)
        for table in tables {
            let columns = try TestSchema.columns(db, table)
            if let described = RunTable.all.first(where: { $0.name == table }) {
                let expected = columns.filter { $0 != "run_seq" && $0 != described.surrogateID }
                #expect(described.columns == expected, "\(table): RunTable says \(described.columns), the schema has \(expected)")
            } else if table == "runs" {
                #expect(columns.filter { $0 != "seq" } == RunTable.runColumns.map { ["experiment": "experiment_id", "parent": "parent_seq"][$0] ?? $0 })
            } else {
                #expect(RunTable.storeTables.contains(table), "table \(table) is neither a run table nor a store table")
                #expect(!columns.contains("run_seq"), "\(table) belongs to runs but RunTable.all lacks it")
            }
        }
    }
}
