import Foundation
import Testing
@testable import Tracker
import Trainer

/// Raises the interrupt flag once training reaches `step`, as Ctrl-C would.
final class InterruptAt: ProgressReporter {
    let step: Int
    let flag: InterruptFlag
    init(step: Int, flag: InterruptFlag) { self.step = step; self.flag = flag }
    func report(_ update: ProgressUpdate) {
        if case .step(_, _, let s, _, _) = update, s >= step { flag.raise(SIGINT) }
    }
}

/// Configs of the hardening tests: small enough that a whole run takes a fraction of a second.
enum HardeningConfigs {
    /// 4 epochs of 10 steps; a combined best + periodic checkpoint at each of the first three
    /// epoch ends (keeping two periodic ones, so pruning happens) and a `last` one: 4 saves.
    /// Batch norm, dropout, layer statistics, histograms and a test split: every table fills.
    static let quick = """
        experiment: hardening
        seed: 9
        data: {source: moons, size: 400, noise: 0.25, validation: 0.2}
        model: {depth: 3, width: 16, activation: relu, dropout: 0.1, normalization: batch}
        optimizer: {type: adam, lr: 0.01}
        epochs: 4
        batch_size: 32
        logging: {layer_stats_every: 3, checkpoint_every: 1, keep_checkpoints: 2, histograms: true}
        """
    static let savesPerRun = 4
    static let stepsPerEpoch = 10

    /// A few seconds of training: long enough for a second process to meet the first.
    static let slow = """
        experiment: hardening-slow
        seed: 4
        data: {source: spirals, size: 8000, classes: 3, noise: 0.3, validation: 0.1}
        model: {depth: 4, width: 256, activation: relu, normalization: batch}
        optimizer: {type: adam, lr: 0.001}
        epochs: 4
        batch_size: 32
        logging: {layer_stats_every: 25, checkpoint_every: 1, keep_checkpoints: 2}
        """
}

@Suite("Resume hardening: exact records after kill -9, one trainer per run, delete and forged checkpoints", .serialized)
struct ResumeHardeningTests {
    /// Trains `config` straight into a fresh database and returns it with the run's id.
    func straightRun(_ tmp: TempDir, config: String) throws -> (db: String, run: String, tables: [String: [String]]) {
        let db = tmp.path("t.db")
        let straight = try CLI.run(["train", config, "--db", db])
        #expect(straight.status == 0, "\(straight.stderr)")
        let store = try Store(path: db)
        let run = try #require(store.runs().first?.id)
        return (db, run, try RunTables.dump(store, run: run))
    }

    /// Trains with `TRACKER_TEST_KILL_AT=target` (the process SIGKILLs itself), then resumes
    /// the killed run and returns its tables.
    func killAndResume(db: String, config: String, target: String, known: Set<String>) throws -> (run: String, tables: [String: [String]]) {
        let killed = try CLI.run(["train", config, "--db", db], environment: ["TRACKER_TEST_KILL_AT": target])
        #expect(killed.status == SIGKILL, "\(target): the trainer was to kill itself, exit \(killed.status): \(killed.stderr)")
        let store = try Store(path: db)
        let run = try #require(try store.runs().first { !known.contains($0.id) }?.id)
        if let straight = known.first, target != "checkpoint:\(HardeningConfigs.savesPerRun):committed" {
            // The comparison has teeth: before the resume the killed run's tables differ.
            #expect(RunTables.difference(try RunTables.dump(store, run: straight), try RunTables.dump(store, run: run)) != nil, "\(target)")
        }
        let resumed = try CLI.run(["resume", run, "--db", db])
        if target == "checkpoint:\(HardeningConfigs.savesPerRun):committed" {
            // The last checkpoint committed with the finished status: nothing is left to do.
            #expect(resumed.status == 1 && resumed.stderr.contains("run \(run) is finished"), "\(resumed.stderr)")
        } else {
            #expect(resumed.status == 0, "\(target): \(resumed.stderr)")
            #expect(try store.events(run: run).contains { $0.kind == "resume" })
        }
        #expect(try store.resolveRun(run).status == .finished)
        return (run, try RunTables.dump(store, run: run))
    }

    @Test("a kill at every phase of every checkpoint save, then resume: every table equals the uninterrupted run's",
          arguments: TestKillPoint.Phase.allCases)
    func killAtCheckpointPhases(phase: TestKillPoint.Phase) throws {
        let tmp = TempDir()
        let config = try Configs.write(HardeningConfigs.quick, to: tmp)
        let (db, straightID, expected) = try straightRun(tmp, config: config)
        let kinds = (expected["checkpoints"] ?? []).map { $0.split(separator: " ")[0] }.sorted()
        #expect(kinds == ["best", "last", "periodic", "periodic"], "retention keeps 2 periodic, the best and the last: \(expected["checkpoints"] ?? [])")
        #expect((expected["bn_stats"]?.count ?? 0) > 0 && (expected["histograms"]?.count ?? 0) > 0 && (expected["grad_stats"]?.count ?? 0) > 0)
        var known: Set<String> = [straightID]
        for save in 1...HardeningConfigs.savesPerRun {
            let target = "checkpoint:\(save):\(phase.rawValue)"
            let (run, tables) = try killAndResume(db: db, config: config, target: target, known: known)
            known.insert(run)
            if let diff = RunTables.difference(expected, tables) { Issue.record("\(target): \(diff)") }
        }
        #expect(try Store(path: db).integrityCheck() == "ok")
    }

    @Test("a run killed before its first checkpoint resumes from step 0 under the same id, equal to an uninterrupted run",
          arguments: [1, 4, HardeningConfigs.stepsPerEpoch])
    func resumeBeforeFirstCheckpoint(step: Int) throws {
        let tmp = TempDir()
        let config = try Configs.write(HardeningConfigs.quick, to: tmp)
        let (db, straightID, expected) = try straightRun(tmp, config: config)
        let (run, tables) = try killAndResume(db: db, config: config, target: "step:\(step)", known: [straightID])
        if let diff = RunTables.difference(expected, tables) { Issue.record("killed at step \(step): \(diff)") }
        let resume = try #require(try Store(path: db).events(run: run).first { $0.kind == "resume" })
        #expect(resume.message.contains("from step 0"))
    }

    @Test("Ctrl-C mid-epoch, then resume: every table equals the uninterrupted run's (the interrupt checkpoint is retired by the next save)")
    func interruptThenResume() throws {
        let tmp = TempDir()
        let config = try Configs.write(HardeningConfigs.quick, to: tmp)
        let planned = try #require(try ExperimentPlan.load(path: config).first)
        let store = try Store(path: tmp.path("t.db"))
        let straight = try ExperimentRunner(store: store).train(planned)
        for step in [5, HardeningConfigs.stepsPerEpoch, 2 * HardeningConfigs.stepsPerEpoch + 3] {
            let flag = InterruptFlag()
            let stopped = try ExperimentRunner(store: store, progress: InterruptAt(step: step, flag: flag), interrupt: flag).train(planned)
            #expect(stopped.status == .interrupted)
            #expect(try store.checkpoints(run: stopped.runID).contains { $0.kind == .interrupt && $0.step == step })
            #expect(try ExperimentRunner(store: store).resume(stopped.runID).status == .finished)
            if let diff = RunTables.difference(try RunTables.dump(store, run: straight.runID), try RunTables.dump(store, run: stopped.runID)) {
                Issue.record("interrupted at step \(step): \(diff)")
            }
        }
    }

    @Test("tracker resume from a forged checkpoint (valid SHA-256, impossible step counter) exits 1 with a clear message and leaves the run crashed")
    func forgedCheckpointThroughTheBinary() throws {
        let tmp = TempDir()
        let db = tmp.path("t.db")
        let config = try Configs.write(HardeningConfigs.quick, to: tmp)
        // Killed as the second epoch's save begins: the first epoch's checkpoint (step 10),
        // committed in the background while epoch 2 trained, is settled by then.
        let killed = try CLI.run(["train", config, "--db", db], environment: ["TRACKER_TEST_KILL_AT": "checkpoint:2:before"])
        #expect(killed.status == SIGKILL)
        let store = try Store(path: db)
        let run = try #require(try store.runs().first)
        let checkpoint = try #require(try store.latestCheckpoint(run: run.id))
        let genuine = try store.checkpointData(checkpoint)
        // Forge the optimizer's step count to 2^63 (it used to trap converting to Int), with a
        // valid inner checksum and a recomputed SHA-256.
        let marker = Array("optimizer.step".utf8)
        let at = try #require((0...(genuine.count - marker.count)).first { Array(genuine[$0..<($0 + marker.count)]) == marker })
        var forged = genuine
        let value = at + marker.count + 1 + 8  // kind byte, count word, then the value
        for i in 0..<8 { forged[value + i] = i == 7 ? 0x80 : 0 }
        forged.removeLast(8)
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in forged { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        withUnsafeBytes(of: h.littleEndian) { forged += $0 }
        let sha = SHA256.hex(forged)
        try store.db.run("INSERT INTO blobs (sha256, size, data) VALUES (?, ?, ?)", [.text(sha), .int(forged.count), .blob(forged)])
        try store.db.run("UPDATE checkpoints SET blob_sha256 = ?, size = ? WHERE id = ?", [.text(sha), .int(forged.count), .integer(checkpoint.id)])
        let refused = try CLI.run(["resume", run.id, "--db", db])
        #expect(refused.status == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("cannot resume run \(run.id) from its periodic checkpoint at step 10")
                && refused.stderr.contains("step count 9223372036854775808 is out of range"), "\(refused.stderr)")
        let after = try store.resolveRun(run.id)
        #expect(after.status == .crashed || (after.status == .running && after.pid == run.pid), "\(after.status)")
        #expect(try store.events(run: run.id).allSatisfy { $0.kind != "resume" && $0.kind != "failed" })
    }

    @Test("an older store's run with a last checkpoint but no finished status resumes to finished without duplicating its end")
    func legacyLastCheckpoint() throws {
        let tmp = TempDir()
        let config = try Configs.write(HardeningConfigs.quick, to: tmp)
        let planned = try #require(try ExperimentPlan.load(path: config).first)
        let store = try Store(path: tmp.path("t.db"))
        let run = try ExperimentRunner(store: store).train(planned).runID
        let before = try RunTables.dump(store, run: run)
        try store.db.run("UPDATE runs SET status = 'crashed' WHERE id = ?", [.text(run)])
        #expect(try ExperimentRunner(store: store).resume(run).status == .finished)
        if let diff = RunTables.difference(before, try RunTables.dump(store, run: run)) { Issue.record("\(diff)") }
    }

    /// Trains the slow config, kills it (hook) in epoch 2, and returns the db and run.
    func crashedSlowRun(_ tmp: TempDir) throws -> (db: String, run: String) {
        let db = tmp.path("t.db")
        let config = try Configs.write(HardeningConfigs.slow, to: tmp)
        let killed = try CLI.run(["train", config, "--db", db], environment: ["TRACKER_TEST_KILL_AT": "step:300"])
        #expect(killed.status == SIGKILL, "\(killed.stderr)")
        return (db, try #require(try Store(path: db).runs().first?.id))
    }

    @Test("two resumes of one crashed run at once: exactly one trains, the other is refused naming the holder")
    func concurrentResumes() throws {
        let tmp = TempDir()
        let (db, run) = try crashedSlowRun(tmp)
        let a = try CLI.start(["resume", run, "--db", db]), b = try CLI.start(["resume", run, "--db", db])
        let results = [a, b].map { p -> (Int32, String) in
            let err = p.stderr.fileHandleForReading.readDataToEndOfFile()
            _ = p.stdout.fileHandleForReading.readDataToEndOfFile()
            p.process.waitUntilExit()
            return (p.process.terminationStatus, String(decoding: err, as: UTF8.self))
        }
        #expect(results.filter { $0.0 == 0 }.count == 1, "\(results)")
        let refused = try #require(results.first { $0.0 != 0 })
        let host = ProcessInfo.processInfo.hostName
        #expect(refused.0 == 1)
        #expect(refused.1.contains("is being trained by pid ") && refused.1.contains("last heartbeat"), "\(refused.1)")
        #expect(refused.1.contains("@") && !refused.1.contains("SQLite"), "\(refused.1) (host \(host))")
        let store = try Store(path: db)
        #expect(try store.resolveRun(run).status == .finished)
        #expect(try store.events(run: run).filter { $0.kind == "resume" }.count == 1)
    }

    /// Starts the slow config and waits until its run is recorded as running.
    func startTraining(_ tmp: TempDir, db: String) throws -> (CLI.Running, String) {
        let config = try Configs.write(HardeningConfigs.slow, to: tmp)
        let p = try CLI.start(["train", config, "--db", db])
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: db), let run = try? Store(path: db, readOnly: true).runs().first, run.status == .running,
               try Store(path: db, readOnly: true).metricKeys(run: run.id).contains("loss") {
                return (p, run.id)
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TrackerError.storage("the trainer did not start")
    }

    @Test("delete of a run still training is refused; --force hides it, gc keeps it until it ends, the trainer finishes cleanly")
    func deleteDuringTraining() throws {
        let tmp = TempDir()
        let db = tmp.path("t.db")
        let (p, run) = try startTraining(tmp, db: db)
        let refused = try CLI.run(["delete", run, "--db", db])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("is still training (pid \(p.process.processIdentifier)@"), "\(refused.stderr)")
        #expect(try CLI.run(["gc", "--db", db]).status == 0)
        let forced = try CLI.run(["delete", run, "--force", "--db", db])
        #expect(forced.status == 0 && forced.stdout.contains("still training"), "\(forced.stdout)\(forced.stderr)")
        let gc = try CLI.run(["gc", "--db", db])
        #expect(gc.status == 0 && gc.stdout.contains("kept 1 deleted run still training"), "\(gc.stdout)\(gc.stderr)")
        let err = p.stderr.fileHandleForReading.readDataToEndOfFile()
        p.process.waitUntilExit()
        let stderr = String(decoding: err, as: UTF8.self)
        #expect(p.process.terminationStatus == 0, "\(stderr)")
        #expect(!stderr.contains("SQLite") && !stderr.contains("FOREIGN KEY"), "\(stderr)")
        let store = try Store(path: db)
        #expect(try store.resolveRun(run, includeDeleted: true).status == .finished)
        #expect(try store.checkpoints(run: run).contains { $0.kind == .last })
        let after = try CLI.run(["gc", "--db", db])
        #expect(after.stdout.contains("removed 1 deleted run: \(run)"), "\(after.stdout)")
        #expect(try store.integrityCheck() == "ok")
    }

    @Test("a run whose row is removed behind the trainer's back stops with a clear message, not a raw SQL error")
    func runRowVanishes() throws {
        let tmp = TempDir()
        let db = tmp.path("t.db")
        let (p, run) = try startTraining(tmp, db: db)
        // What an older tracker's gc did: purge every record of the run, row included.
        let store = try Store(path: db)
        let seq = try store.resolveSeq(run)
        try store.db.transaction(.immediate) {
            for table in ["metrics", "metric_tiles", "grad_stats", "layer_stats", "bn_stats", "histograms", "latest_metrics", "params", "tags", "events", "checkpoints"] {
                try store.db.run("DELETE FROM \(table) WHERE run_seq = ?", [.integer(seq)])
            }
            try store.db.run("DELETE FROM runs WHERE seq = ?", [.integer(seq)])
        }
        let err = p.stderr.fileHandleForReading.readDataToEndOfFile()
        p.process.waitUntilExit()
        let stderr = String(decoding: err, as: UTF8.self)
        #expect(p.process.terminationStatus == 1)
        #expect(stderr.contains("run \(run) was removed from the store while it was training"), "\(stderr)")
        #expect(!stderr.contains("SQLite") && !stderr.contains("FOREIGN KEY") && !stderr.contains("INSERT"), "\(stderr)")
        #expect(try store.integrityCheck() == "ok")
    }
}
