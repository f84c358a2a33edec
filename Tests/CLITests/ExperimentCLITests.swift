import Foundation
import Testing
import Tracker

/// Configs used by the end-to-end experiment tests.
enum Configs {
    /// ~1 s an epoch on 2 cores: slow enough to interrupt inside an epoch.
    static let resumable = """
        experiment: resume
        seed: 5
        data: {source: spirals, size: 12000, classes: 3, noise: 0.3, validation: 0.1}
        model: {depth: 4, width: 256, activation: relu, dropout: 0.2, normalization: batch}
        optimizer: {type: adam, lr: 0.001}
        epochs: 6
        batch_size: 32
        logging: {layer_stats_every: 25, checkpoint_every: 1, keep_checkpoints: 2}
        """

    static let small = """
        experiment: small
        seed: 11
        data: {source: moons, size: 600, noise: 0.15, validation: 0.25}
        model: {depth: 2, width: 32, activation: tanh}
        optimizer: {type: adam, lr: 0.01}
        epochs: 3
        batch_size: 32
        """

    static func write(_ text: String, to dir: TempDir, name: String = "config.yaml") throws -> String {
        let path = dir.path(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

/// Every metric point of a run except the timing metrics, keyed for comparison.
func comparablePoints(_ store: Store, _ run: String) throws -> [String: [MetricPoint]] {
    var out: [String: [MetricPoint]] = [:]
    for key in try store.metricKeys(run: run) where !MetricSummary.timingKeys.contains(key) {
        out[key] = try store.metricSeries(run: run, key: key)
    }
    return out
}

func expectBitIdentical(_ a: [String: [MetricPoint]], _ b: [String: [MetricPoint]], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.keys.sorted() == b.keys.sorted(), sourceLocation: sourceLocation)
    var points = 0
    for (key, sa) in a {
        let sb = b[key] ?? []
        #expect(sa.count == sb.count, "\(key): \(sa.count) vs \(sb.count) points", sourceLocation: sourceLocation)
        for (p, q) in zip(sa, sb) where !(p.step == q.step && p.value.bitPattern == q.value.bitPattern) {
            Issue.record("\(key) differs at step \(p.step)/\(q.step): \(p.value) vs \(q.value)", sourceLocation: sourceLocation)
            return
        }
        points += sa.count
    }
    #expect(points > 1000, "compared \(points) points", sourceLocation: sourceLocation)
}

@Suite("Experiments end to end", .serialized)
struct ExperimentCLITests {
    /// Trains the config straight, then again with a signal during epoch 4 (after the
    /// epoch-3 checkpoint), resumes, and compares every point.
    func interruptAndResume(signal sig: Int32) throws {
        let tmp = TempDir()
        let db = tmp.path("t.db")
        let config = try Configs.write(Configs.resumable, to: tmp)
        let straight = try CLI.run(["train", config, "--db", db])
        #expect(straight.status == 0, "\(straight.stderr)")
        let store = try Store(path: db)
        let straightID = try #require(store.runs().first?.id)

        let p = try CLI.start(["train", config, "--db", db])
        // Wait until the new run has its epoch-3 checkpoint, then stop it inside epoch 4.
        var victim: String?
        let deadline = Date().addingTimeInterval(180)
        while Date() < deadline {
            if victim == nil { victim = try store.runs().first { $0.id != straightID }?.id }
            if let v = victim, try store.checkpoints(run: v).contains(where: { ($0.epoch ?? 0) >= 3 }) { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        let runID = try #require(victim)
        kill(p.process.processIdentifier, sig)
        _ = p.stdout.fileHandleForReading.readDataToEndOfFile()
        p.process.waitUntilExit()
        let before = try store.resolveRun(runID)
        if sig == SIGKILL {
            #expect(p.process.terminationReason == .uncaughtSignal)
            #expect(try Store(path: db).resolveRun(runID).status == .crashed)
        } else {
            #expect(p.process.terminationStatus == 128 + sig)
            #expect(before.status == .interrupted)
            #expect(try store.checkpoints(run: runID).contains { $0.kind == .interrupt })
        }
        let latest = try #require(try store.latestCheckpoint(run: runID))
        #expect((latest.epoch ?? 0) >= 3 && (latest.epoch ?? 0) < 6, "stopped during epoch 4–6, checkpoint epoch \(latest.epoch ?? -1)")

        let resumed = try CLI.run(["resume", String(runID.prefix(6)), "--db", db])
        #expect(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")
        let after = try store.resolveRun(runID)
        #expect(after.status == .finished)
        #expect(try store.events(run: runID).contains { $0.kind == "resume" })
        expectBitIdentical(try comparablePoints(store, straightID), try comparablePoints(store, runID))
        #expect(try store.integrityCheck() == "ok")
    }

    @Test("a run killed with SIGKILL during epoch 4 and resumed equals a run never interrupted, bit for bit")
    func resumeAfterKill() throws { try interruptAndResume(signal: SIGKILL) }

    @Test("a run stopped with SIGINT checkpoints, reads interrupted, and resumes bit for bit")
    func resumeAfterSigint() throws { try interruptAndResume(signal: SIGINT) }

    @Test("re-running a finished run reports identical; a run whose stored config changed reports the first divergence")
    func rerun() throws {
        let tmp = TempDir()
        let db = tmp.path("t.db")
        let config = try Configs.write(Configs.small, to: tmp)
        #expect(try CLI.run(["train", config, "--db", db]).status == 0)
        let store = try Store(path: db)
        let original = try #require(store.runs().first)
        let same = try CLI.run(["rerun", original.id, "--db", db, "--verify"])
        #expect(same.status == 0, "\(same.stderr)")
        #expect(same.stdout.contains("identical: run"))
        let rerunRun = try #require(store.runs().first)
        #expect(rerunRun.origin == .rerun && rerunRun.parentID == original.id)

        // Change the stored learning rate on purpose: the re-run must diverge at the first step.
        let changed = try #require(JSONValue.parse(original.config).canonical.replacingOccurrences(of: #""value":0.01"#, with: #""value":0.0125"#) as String?)
        #expect(changed != original.config)
        try Self.rewriteConfig(db: db, run: original.id, config: changed)
        let diverged = try CLI.run(["rerun", original.id, "--db", db, "--verify"])
        #expect(diverged.status == 1)
        #expect(diverged.stdout.contains("DIVERGED: first difference in 'loss' at step 1") || diverged.stdout.contains("DIVERGED: first difference in 'lr' at step 1"),
                "\(diverged.stdout)")
    }

    static func rewriteConfig(db: String, run: String, config: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('update runs set config=? where id=?', (sys.argv[2], sys.argv[3])); c.commit()", db, config, run]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
    }

    @Test("a sweep of 4 variants makes 4 runs with the right params")
    func sweep() throws {
        let tmp = TempDir()
        let db = tmp.path("t.db")
        let config = try Configs.write(Configs.small + """

            sweep:
              grid:
                model.dropout: [0, 0.5]
                regularization.l2: [0, 0.0001]
            """, to: tmp)
        let r = try CLI.run(["train", config, "--db", db])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("gap"), "a sweep ends with a summary table")
        let store = try Store(path: db)
        let runs = try store.summaries(of: store.runs())
        #expect(runs.count == 4)
        let combos = Set(runs.map { "\($0.params["model.dropout"]?.number ?? -1)/\($0.params["regularization.l2.value"]?.number ?? -1)" })
        #expect(combos == ["0.0/0.0", "0.0/0.0001", "0.5/0.0", "0.5/0.0001"], "\(combos)")
        for run in runs {
            #expect(run.run.origin == .sweep && run.run.status == .finished)
            #expect(run.params["derived.parameter_count"] != nil)
            #expect(run.metrics["val_acc"] != nil && run.metrics["loss"]?.count == 3 * 15)
        }
    }

    @Test("a diverging config ends as diverged with an event naming the first non-finite gradient")
    func diverging() throws {
        let tmp = TempDir()
        let db = tmp.path("t.db")
        let config = try Configs.write("""
            experiment: diverge
            data: {source: spirals, size: 500, classes: 2}
            model: {depth: 2, width: 32}
            optimizer: {type: sgd, lr: 1000000}
            epochs: 3
            batch_size: 50
            """, to: tmp)
        let r = try CLI.run(["train", config, "--db", db])
        #expect(r.status == 1)
        let store = try Store(path: db)
        let run = try #require(store.runs().first)
        #expect(run.status == .diverged)
        let event = try #require(store.events(run: run.id).first { $0.kind == "non_finite_loss" })
        #expect(event.level == .error && event.message.contains("layers."))
    }

    @Test("config errors name the key and its place, exit non-zero and write no run", arguments: [
        ("model: {depth: 2, width: 32, dropout: 1.5}", "model.dropout"),
        ("model: {depth: 2, width: 32}\noptimizer: {type: adam, lr: 0}", "optimizer.lr"),
        ("model: {depth: 2, width: 0}", "model.width"),
        ("model: {depth: 2, width: 32, activation: swish}", "model.activation"),
        ("model: {depth: 2, width: 32, activaton: relu}", "model.activaton"),
        ("model: {depth: 2, width: 32}\nepochz: 3", "epochz"),
        ("model: {depth: 2, width: 32}\nbatch_size: -1", "batch_size"),
    ])
    func configErrors(snippet: String, key: String) throws {
        let tmp = TempDir()
        let db = tmp.path("t.db")
        let config = try Configs.write("""
            experiment: bad
            data: {source: xor, size: 100}
            epochs: 1
            \(snippet)
            """, to: tmp)
        let r = try CLI.run(["train", config, "--db", db])
        #expect(r.status == 1)
        #expect(r.stderr.contains("'\(key)"), "\(r.stderr)")
        #expect(r.stderr.contains("config.yaml:"), "the error points into the file: \(r.stderr)")
        if FileManager.default.fileExists(atPath: db) { #expect(try Store(path: db).runs().isEmpty) }
    }

    @Test("--set overrides a key; a bad override names it")
    func overrides() throws {
        let tmp = TempDir()
        let db = tmp.path("t.db")
        let config = try Configs.write(Configs.small, to: tmp)
        #expect(try CLI.run(["train", config, "--db", db, "--set", "epochs=1", "--set", "model.width=8"]).status == 0)
        let run = try #require(try Store(path: db).summaries(of: Store(path: db).runs()).first)
        #expect(run.params["epochs"] == .int(1))
        #expect(run.params["model.widths.0"] == .int(8))
        let bad = try CLI.run(["train", config, "--db", db, "--set", "model.widht=8"])
        #expect(bad.status == 1 && bad.stderr.contains("model.widht") && bad.stderr.contains("did you mean width"), "\(bad.stderr)")
    }

    @Test("two train processes into one database at once both finish with complete records")
    func concurrentTraining() throws {
        let tmp = TempDir()
        let db = tmp.path("t.db")
        let config = try Configs.write(Configs.small, to: tmp)
        let procs = try (0..<2).map { i in try CLI.start(["train", config, "--db", db, "--set", "seed=\(i)"]) }
        for p in procs {
            _ = p.stdout.fileHandleForReading.readDataToEndOfFile()
            let err = String(decoding: p.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.process.waitUntilExit()
            #expect(p.process.terminationStatus == 0, "\(err)")
        }
        let store = try Store(path: db)
        let runs = try store.summaries(of: store.runs())
        #expect(runs.count == 2)
        for r in runs {
            #expect(r.run.status == .finished)
            #expect(r.metrics["loss"]?.count == 3 * 15)
            #expect(r.metrics["test_acc"] != nil)
            #expect(try store.checkpoints(run: r.run.id).contains { $0.kind == .last })
        }
    }
}
