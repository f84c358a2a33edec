import Foundation
import Testing
@testable import Tracker

/// Which files a `Store` opens for what, and that readers never write.
@Suite("Store access: inspect first, read without writing")
struct StoreAccessTests {
    static func folder(_ path: String) throws -> [String: Data] {
        let dir = (path as NSString).deletingLastPathComponent
        var out: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir) {
            out[name] = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
        }
        return out
    }

    @Test("a missing, empty or foreign file: read and edit refuse it untouched; record initialises only missing or empty")
    func kinds() throws {
        let tmp = TempDir()
        let missing = tmp.path("missing.db"), empty = tmp.path("empty.db"), foreign = tmp.path("app.db")
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        do {
            let c = try Connection(path: foreign, mode: .readWrite)
            try c.execute("PRAGMA journal_mode = DELETE; CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('ada')")
        }
        let before = try StoreAccessTests.folder(empty)
        for access in [Store.Access.read, .edit] {
            #expect(throws: TrackerError.databaseMissing(path: missing)) { _ = try Store(path: missing, access: access) }
            #expect(throws: TrackerError.databaseMissing(path: empty)) { _ = try Store(path: empty, access: access) }
        }
        for access in [Store.Access.read, .edit, .record] {
            #expect(performing: { _ = try Store(path: foreign, access: access) }, throws: { error in
                guard case TrackerError.notATrackerStore(_, let detail) = error else { return false }
                return detail.contains("users")
            })
        }
        #expect(throws: TrackerError.self) { _ = try Store.migrate(path: foreign) }
        #expect(try StoreAccessTests.folder(empty) == before, "nothing created, nothing changed")
        #expect(try Store(path: empty, access: .record).runs().isEmpty)
        #expect(try Store(path: missing, access: .record).schemaVersion() == Store.supportedSchemaVersion)
    }

    @Test("reading a WAL store leaves no -wal or -shm and does not change a byte; the reader cannot write")
    func readLeavesNothing() throws {
        let tmp = TempDir()
        let path = tmp.path("t.db")
        do {
            let store = try Store(path: path)
            let rec = try store.startRun(sampleStart())
            rec.log("loss", 1, step: 0)
            try rec.finish(.finished)
        }
        let before = try StoreAccessTests.folder(path)
        #expect(before.keys.sorted() == ["t.db"])
        do {
            let reader = try Store(path: path, access: .read)
            #expect(try reader.runs().count == 1)
            #expect(throws: (any Error).self) { try reader.db.execute("CREATE TABLE x (y)") }
            #expect(throws: (any Error).self) { _ = try reader.markCrashedRuns() }
        }
        #expect(try StoreAccessTests.folder(path) == before)
    }

    @Test("a running run whose process is gone reads as crashed in listings, filters and sorting, without a write")
    func derivedCrash() throws {
        let tmp = TempDir()
        let path = tmp.path("t.db")
        do {
            let store = try Store(path: path)
            for name in ["alive", "gone", "far"] { try store.startRun(sampleStart(name)).flush() }  // left running
            // A pid that cannot exist on this host, and another host with a stale heartbeat.
            try store.db.run("UPDATE runs SET pid = 2147483647 WHERE name = 'gone'")
            try store.db.run("UPDATE runs SET host = 'elsewhere', heartbeat_at = heartbeat_at - 3600 WHERE name = 'far'")
        }
        let before = try StoreAccessTests.folder(path)
        do {
            let reader = try Store(path: path, access: .read)
            let status = Dictionary(uniqueKeysWithValues: try reader.runs().map { ($0.name, $0.status) })
            #expect(status == ["alive": .running, "gone": .crashed, "far": .crashed])
            #expect(try reader.runs(where: "status = 'crashed'").map(\.run.name).sorted() == ["far", "gone"])
            #expect(try reader.runs(where: "status = 'running'").map(\.run.name) == ["alive"])
            #expect(try reader.runs().first { $0.name == "far" }?.endedAt != nil, "a crashed run ends at its last heartbeat")
        }
        #expect(try StoreAccessTests.folder(path) == before)
        let stored = try Connection(path: path, mode: .readOnly).query("SELECT status FROM runs ORDER BY name", []) { $0.text(0) }
        #expect(stored == ["running", "running", "running"], "readers derive, they do not write")
    }

    @Test("isProvablyDead: stale heartbeat or dead local pid is dead; a live local pid or a fresh remote heartbeat is not")
    func provablyDead() {
        let now = 1_000_000.0
        let me = Liveness.pid, host = Liveness.hostName
        #expect(!Liveness.isProvablyDead(ProcessHolder(pid: me, host: host, heartbeat: now - 1), now: now))
        #expect(Liveness.isProvablyDead(ProcessHolder(pid: me, host: host, heartbeat: now - Liveness.staleAfter - 1), now: now))
        #expect(Liveness.isProvablyDead(ProcessHolder(pid: Int(Int32.max), host: host, heartbeat: now), now: now))
        #expect(!Liveness.isProvablyDead(ProcessHolder(pid: Int(Int32.max), host: "elsewhere", heartbeat: now - 5), now: now))
        #expect(Liveness.isProvablyDead(ProcessHolder(pid: -4, host: host, heartbeat: now), now: now))
        #expect(Liveness.isProvablyDead(ProcessHolder(pid: Int.max, host: host, heartbeat: now), now: now))
        #expect(Liveness.readStatus("finished", holder: ProcessHolder(pid: nil, host: nil, heartbeat: nil), now: now) == "finished")
    }
}
