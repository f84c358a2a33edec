import Foundation
import Testing
import Tracker

@Suite("Store under several processes", .serialized)
struct StoreProcessTests {
    @Test("processes creating the same new database at once all succeed")
    func concurrentCreate() throws {
        for round in 0..<5 {
            let tmp = TempDir()
            let db = tmp.path("new-\(round).db")
            let procs = try (0..<4).map { i in try CLI.start(["debug-write", "--db", db, "--name", "w\(i)", "--points", "100"]) }
            for p in procs {
                let err = String(decoding: p.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                p.process.waitUntilExit()
                #expect(p.process.terminationStatus == 0, "round \(round): \(err)")
            }
            let store = try Store(path: db)
            #expect(try store.schemaVersion() == Store.supportedSchemaVersion)
            #expect(try store.runs().count == 4)
        }
    }

    @Test("4 processes write 100,000 points each into one file: no error, no lost row, integrity ok")
    func concurrentWriters() throws {
        let tmp = TempDir()
        let db = tmp.path("shared.db")
        _ = try Store(path: db)
        let procs = try (0..<4).map { i in try CLI.start(["debug-write", "--db", db, "--name", "w\(i)", "--points", "100000", "--batch", "2000"]) }
        for p in procs {
            let err = String(decoding: p.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.process.waitUntilExit()
            #expect(p.process.terminationStatus == 0, "\(err)")
        }
        let store = try Store(path: db)
        let runs = try store.runs()
        #expect(runs.count == 4)
        for run in runs {
            #expect(run.status == .finished)
            let series = try store.metricSeries(run: run.id, key: "value")
            #expect(series.count == 100_000)
            #expect(series.last?.value == 99_999)
            #expect(try store.summary(of: run.id).metrics["value"]?.count == 100_000)
        }
        #expect(try store.integrityCheck() == "ok")
    }

    @Test("a writer killed with SIGKILL mid-stream: integrity ok, flushed batches present, run reads as crashed")
    func killedWriter() throws {
        let tmp = TempDir()
        let db = tmp.path("crash.db")
        let p = try CLI.start(["debug-write", "--db", db, "--points", "10000000", "--batch", "1000", "--flush-every", "10000"])
        var runID = ""
        var flushed = 0
        _ = waitForLine(p.stdout) { line in
            if line.hasPrefix("run ") { runID = String(line.dropFirst(4)) }
            if line.hasPrefix("flushed "), let n = Int(line.dropFirst(8)) { flushed = n }
            return flushed >= 50_000
        }
        kill(p.process.processIdentifier, SIGKILL)
        p.process.waitUntilExit()
        #expect(p.process.terminationReason == .uncaughtSignal)
        #expect(flushed >= 50_000)
        let store = try Store(path: db)
        #expect(try store.integrityCheck() == "ok")
        let run = try store.resolveRun(runID)
        #expect(run.status == .crashed)
        let series = try store.metricSeries(run: runID, key: "value")
        #expect(series.count >= flushed)
        // No holes: every point up to the last one written is there.
        #expect(series.enumerated().allSatisfy { $0.offset == $0.element.step })
    }

    @Test("CLI errors: usage is exit 2, a bad database file is exit 1 with a message")
    func exitCodes() throws {
        let tmp = TempDir()
        let bad = tmp.path("bad.db")
        try Data("not a database at all".utf8).write(to: URL(fileURLWithPath: bad))
        let r = try CLI.run(["debug-write", "--db", bad, "--points", "1"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("not a usable tracker database"))
        #expect(try CLI.run(["--no-such-flag"]).status == 2)
    }
}
