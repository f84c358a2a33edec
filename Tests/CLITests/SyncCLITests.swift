import Foundation
import Testing
@testable import Tracker

@Suite("CLI: tracker sync", .serialized)
struct SyncCLITests {
    /// Every run's digest (its row and every row it owns), by id.
    func digests(_ path: String) throws -> [String: RunDigest] {
        let store = try Store(path: path, access: .read)
        var out: [String: RunDigest] = [:]
        for run in try store.syncRuns(SyncSelection()) { out[run.id] = try RunDigest.of(run, in: store) }
        return out
    }

    @Test("sync copies the study, says what it did, and a second sync copies nothing")
    func copiesAndRepeats() throws {
        let tmp = TempDir()
        let a = tmp.path("a.db"), b = tmp.path("b.db")
        let runs = try Fixture.build(at: a)
        // A run this test process is training: held back until it has ended.
        let live = try Store(path: a).startRun(RunStart(experiment: "overfitting", name: "training", config: .object([:]), seed: 1))
        let first = try CLI.run(["sync", a, b])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("copied \(runs.dropout) overfitting/dropout-0.5"))
        #expect(first.stdout.contains("not copied: \(live.runID) overfitting/training is still running (pid"), "\(first.stdout)")
        #expect(first.stdout.contains("copied 4 runs, 1 still running, not copied"), "\(first.stdout)")
        var expected = try digests(a)
        expected[live.runID] = nil
        #expect(try digests(b) == expected)
        let again = try CLI.run(["sync", a, b])
        #expect(again.status == 0)
        #expect(again.stdout.contains("copied 0 runs, 4 already in DST, 1 still running"), "\(again.stdout)")
        try live.finish(.finished)
        let after = try CLI.run(["sync", a, b])
        #expect(after.stdout.contains("copied 1 run, 4 already in DST"), "\(after.stdout)")
        #expect(try digests(a) == digests(b))
        let badFilter = try CLI.run(["sync", a, tmp.path("new.db"), "--where", "params.lr >"])
        #expect(badFilter.status == 1 && badFilter.stderr.contains("^"), "\(badFilter.stderr)")
        #expect(!FileManager.default.fileExists(atPath: tmp.path("new.db")), "a refused sync created DST")
        let dry = try CLI.run(["sync", a, tmp.path("never.db"), "--dry-run", "--where", "params.model.dropout = 0.5"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("would copy 2 runs"), "\(dry.stdout)")
        #expect(!FileManager.default.fileExists(atPath: tmp.path("never.db")))
    }

    @Test("kill -9 inside the transaction of the second run: DST holds the first run whole; sync again completes it")
    func killedMidSync() throws {
        let tmp = TempDir()
        let a = tmp.path("a.db"), b = tmp.path("b.db")
        try Fixture.build(at: a)
        let killed = try CLI.run(["sync", a, b], environment: ["TRACKER_TEST_KILL_AT": "sync:2"])
        #expect(killed.status == SIGKILL, "exit \(killed.status): \(killed.stderr)")
        let partial = try Store(path: b, access: .read)
        #expect(try partial.integrityCheck() == "ok")
        let there = try digests(b)
        #expect(there.count == 1)
        let all = try digests(a)
        for (id, digest) in there { #expect(all[id] == digest, "run \(id) is not whole in DST after the kill") }
        let resumed = try CLI.run(["sync", a, b])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("copied 3 runs, 1 already in DST"), "\(resumed.stdout)")
        #expect(try digests(b) == all)
    }

    @Test("a conflicting run stops the sync with exit 1, naming it; nothing is written")
    func conflict() throws {
        let tmp = TempDir()
        let a = tmp.path("a.db"), b = tmp.path("b.db")
        let runs = try Fixture.build(at: a)
        #expect(try CLI.run(["sync", a, b]).status == 0)
        #expect(try CLI.run(["tag", "--db", b, runs.sigmoid, "note=changed"]).status == 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: b))
        let r = try CLI.run(["sync", a, b])
        #expect(r.status == 1)
        #expect(r.stderr.contains("run \(runs.sigmoid) (deep-sigmoid): tags"), "\(r.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: b)) == bytes)
    }

    @Test("a foreign or corrupt SRC or DST, or the same file twice, is refused and left byte for byte as it was")
    func refusesForeignFiles() throws {
        let tmp = TempDir()
        let good = tmp.path("good.db")
        try Fixture.build(at: good)
        let goodBytes = try Data(contentsOf: URL(fileURLWithPath: good))
        var bads: [String] = []
        for variant in 0..<4 {  // other applications' databases (seeded), journal and WAL mode
            var g = SplitMix(seed: UInt64(variant) + 40)
            bads.append(tmp.path("foreign-\(variant).db"))
            try ForeignFile.write(bads[variant], generator: &g, variant: variant)
        }
        bads.append(tmp.path("notes.txt"))
        try Data("not a database, just notes\n".utf8).write(to: URL(fileURLWithPath: bads[4]))
        bads.append(tmp.path("truncated.db"))  // a store cut short
        try goodBytes.prefix(goodBytes.count / 2).write(to: URL(fileURLWithPath: bads[5]))
        for bad in bads {
            let before = try Data(contentsOf: URL(fileURLWithPath: bad))
            for args in [["sync", bad, good], ["sync", good, bad]] {
                let r = try CLI.run(args)
                #expect(r.status == 1, "\(args): \(r.stdout)")
                #expect(!r.stderr.isEmpty)
                #expect(try Data(contentsOf: URL(fileURLWithPath: bad)) == before, "\(bad) changed")
                #expect(try Data(contentsOf: URL(fileURLWithPath: good)) == goodBytes, "the good store changed")
            }
        }
        let same = try CLI.run(["sync", good, good])
        #expect(same.status == 1 && same.stderr.contains("same store"), "\(same.stderr)")
        #expect(try CLI.run(["sync", tmp.path("missing.db"), good]).status == 1)
    }
}
